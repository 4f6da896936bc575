#!/usr/bin/python3
"""mkcert.py OUTBASE CN NOT_BEFORE NOT_AFTER EKU: a self-signed RSA-2048
certificate with any validity window, for tests that need what `openssl req`
cannot make (an expired certificate) or what drvcat refuses to make (one
without code signing).  Uses python3-cryptography, not drvcat.
  NOT_BEFORE, NOT_AFTER  YYYY-MM-DD (UTC midnight)
  EKU                    codeSigning | serverAuth
Writes OUTBASE.key (PKCS#8 PEM) and OUTBASE.pem."""
import datetime
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


def main():
    if len(sys.argv) != 6:
        sys.exit(__doc__)
    base, cn, nb, na, eku = sys.argv[1:]
    day = lambda s: datetime.datetime.strptime(s, "%Y-%m-%d")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])
    usage = {"codeSigning": ExtendedKeyUsageOID.CODE_SIGNING,
             "serverAuth": ExtendedKeyUsageOID.SERVER_AUTH}[eku]
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(day(nb)).not_valid_after(day(na))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
            .sign(key, hashes.SHA256()))
    with open(base + ".key", "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    with open(base + ".pem", "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))


if __name__ == "__main__":
    main()
