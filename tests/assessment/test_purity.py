"""The assessment library stays pure: importing it never pulls in Flask or SQLAlchemy."""

import subprocess
import sys


def test_assessment_imports_no_web_or_db_framework():
    code = (
        "import importlib, pkgutil, sys, assessment\n"
        "for m in pkgutil.walk_packages(assessment.__path__, 'assessment.'):\n"
        "    importlib.import_module(m.name)\n"
        "banned = {'flask', 'sqlalchemy', 'werkzeug'}\n"
        "bad = sorted(n for n in sys.modules if n.split('.')[0] in banned)\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
