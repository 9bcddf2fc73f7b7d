"""Count passed and failed test cases in a JUnit XML file: prints "PASSED FAILED".
A missing or unreadable file counts as one failure (the test run itself broke)."""
import sys
import xml.etree.ElementTree as ET

try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print("0 1")
    sys.exit(0)
passed = failed = 0
for case in root.iter("testcase"):
    if case.find("failure") is not None or case.find("error") is not None:
        failed += 1
    elif case.find("skipped") is None:
        passed += 1
print(passed, failed)
