#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Fail if an unsafe block, unsafe fn or unsafe impl in the given tree lacks
its argument: `// SAFETY:` within the lines above an unsafe block or impl,
`# Safety` in the doc comment of an unsafe fn."""
import os
import re
import sys

bad = 0
for root, _, files in os.walk(sys.argv[1]):
    for f in files:
        if not f.endswith('.rs') or 'generated' in f or f == 'bindings.rs':
            continue
        path = os.path.join(root, f)
        lines = open(path, errors='replace').read().split('\n')
        for i, line in enumerate(lines):
            code = line.split('//')[0]
            before = '\n'.join(lines[max(0, i - 12):i + 1])
            if re.search(r'\bunsafe\s*(\{|impl)', code):
                if 'SAFETY' not in before:
                    print(f'{path}:{i + 1}: unsafe without a // SAFETY: argument')
                    bad += 1
            elif re.search(r'\bunsafe\s+(extern\s+"C"\s+)?fn\s+\w', code):
                # A trait method's contract is documented on the trait.
                in_trait_impl = any(re.match(r'unsafe impl\b', l) for l in lines[max(0, i - 40):i])
                if '# Safety' not in before and not in_trait_impl:
                    print(f'{path}:{i + 1}: unsafe fn without a # Safety section')
                    bad += 1
sys.exit(1 if bad else 0)
