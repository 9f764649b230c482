"""Every service with filing open has a handler and a form, whatever was imported first."""
import importlib
import subprocess
import sys

from app.domain.catalogue import CATALOGUE


def test_every_open_service_has_a_handler_even_after_a_lone_import():
    # A fresh interpreter where one service module is imported on its own first.
    code = (
        "import app.operations.services.criminal_record_objection\n"
        "from app.operations.services import handler_for\n"
        "from app.domain.catalogue import CATALOGUE\n"
        "print(sorted(c for c, s in CATALOGUE.items() if s.workflow_built and handler_for(c).code == c))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    expected = sorted(c for c, s in CATALOGUE.items() if s.workflow_built)
    assert result.stdout.strip() == str(expected)


def test_every_open_service_has_a_filing_form():
    forms = importlib.import_module("app.web.service_forms").service_forms()
    for code, service in CATALOGUE.items():
        if service.workflow_built and service.listed and not service.filed_by_staff:
            assert code in forms, code
