#!/usr/bin/python3
"""Check `drvcat files` against a real catalog: same member set.

usage: compare-members.py DRVCAT PKGDIR CATALOG.cat

Reads the catalog with catmembers.py (independent of drvcat), maps its `OS`
attribute tokens to Inf2Cat /os identifiers (table from
catalog-format.md section 4.3, kept here independently of src/pkg/os.c), runs
`drvcat files --os ... --json PKGDIR`, and compares:
  - one catalog member with indirect data per distinct file content
    (catalogs de-duplicate by hash; v2 SHA-1 compat entries carry no digest),
  - each member's `File` name equals the installed name of a drvcat file with
    that content (lower-cased).
Prints one line per difference and exits 1, or "ok N members" and exits 0.
"""
import hashlib
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# Catalog OS token -> Inf2Cat /os identifier.
TOKENS = {
    '2000': '2000', 'XPX86': 'XP_X86', 'XPX64': 'XP_X64',
    'Server2003X86': 'Server2003_X86', 'Server2003X64': 'Server2003_X64',
    'Server2003IA64': 'Server2003_IA64', 'VistaX86': 'Vista_X86', 'VistaX64': 'Vista_X64',
    'Server2008X86': 'Server2008_X86', 'Server2008X64': 'Server2008_X64',
    'Server2008IA64': 'Server2008_IA64', '7X86': '7_X86', '7X64': '7_X64',
    'Server2008R2X64': 'Server2008R2_X64', 'Server2008R2IA64': 'Server2008R2_IA64',
    '8X86': '8_X86', '8X64': '8_X64', 'Server2012X64': 'Server8_X64',
    '_v63': '6_3_X86', '_v63_X64': '6_3_X64', '_v63_Server_X64': 'Server6_3_X64',
    '10X86': '10_X86', '10X64': '10_X64', '_v100': '10_X86', '_v100_X64': '10_X64',
    '_v100_Vb': '10_VB_X86', '_v100_X64_Vb': '10_VB_X64',
    '_v100_RS5': '10_RS5_X86', '_v100_X64_RS5': '10_RS5_X64',
    'Server_v100_X64': 'Server10_X64',
}


def main():
    drvcat, pkg, cat = sys.argv[1:4]
    info = json.loads(subprocess.run(['/usr/bin/python3', os.path.join(HERE, 'catmembers.py'), cat],
                                     check=True, capture_output=True, text=True).stdout)
    ids = []
    for tok in (info['os'] or '').split(','):
        if tok not in TOKENS:
            print(f'{cat}: OS token {tok!r} has no /os identifier in this test')
            return 1
        if TOKENS[tok] not in ids:
            ids.append(TOKENS[tok])
    run = subprocess.run([drvcat, 'files', '--os', ','.join(ids), '--json', pkg],
                         capture_output=True, text=True)
    if run.returncode != 0:
        print(f'drvcat files failed ({run.returncode}): {run.stderr.strip()}')
        return 1
    out = json.loads(run.stdout)
    catname = os.path.basename(cat).lower()
    cats = [c for c in out['catalogs'] if os.path.basename(c['catalog']).lower() == catname]
    if len(cats) != 1:
        print(f'drvcat lists {len(cats)} catalogs named {catname}')
        return 1
    groups = {}
    for f in cats[0]['files']:
        with open(os.path.join(pkg, f['path']), 'rb') as fh:
            h = hashlib.sha256(fh.read()).hexdigest()
        groups.setdefault(h, set()).add(f['installed_as'].lower())
    members = [m for m in info['members'] if m['digest'] is not None]
    problems = []
    unmatched = dict(groups)
    for m in members:
        name = (m['file'] or '').lower()
        hit = next((h for h, names in unmatched.items() if name in names), None)
        if hit is None:
            problems.append(f'catalog member {name} is not in drvcat files')
        else:
            del unmatched[hit]
    for names in unmatched.values():
        problems.append(f'drvcat lists {sorted(names)} but the catalog has no such member')
    for p in problems:
        print(p)
    if not problems:
        print(f'ok {len(members)} members, os {",".join(ids)}')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
