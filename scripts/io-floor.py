"""The I/O floor of an import: seconds to read and SHA-256-hash every file of a corpus
directory, as the importer does before anything else. Usage: io-floor.py DIR"""
import hashlib
import os
import sys
import time

root = sys.argv[1]
started = time.perf_counter()
for name in sorted(os.listdir(root)):
    with open(os.path.join(root, name), "rb") as f:
        hashlib.sha256(f.read()).hexdigest()
print(f"{time.perf_counter() - started:.3f}")
