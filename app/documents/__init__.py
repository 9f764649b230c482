"""Document layer: PDF rendering (WeasyPrint), QR codes and signed verification links.

Public API:
    render_pdf(template_name, context, *, static_dir) -> bytes
    render_html(template_name, context) -> str
    chinese_date(d) -> str                      # 二〇二六年十一月二十二日
    harfbuzz_subsetting_active() -> bool
    qr_svg(data) -> str, qr_png(data) -> bytes, qr_data_uri_svg(data) -> str
    SigningKeys(config).sign(kind, number, content_sha256) / .verify(...)
    content_sha256(fields) -> str, verification_url(base_url, number, signature) -> str

Templates (context keys documented at the top of each): templates/documents/*.html.
"""
from app.documents.pdf import chinese_date, harfbuzz_subsetting_active, render_html, render_pdf
from app.documents.qr import qr_data_uri_svg, qr_png, qr_svg
from app.documents.signing import SigningKeys, content_sha256, verification_url

DOCUMENT_TEMPLATES = {
    "receipt": "receipt.html",
    "acceptance_notice": "acceptance_notice.html",
    "correction_notice": "correction_notice.html",
    "non_acceptance_decision": "non_acceptance_decision.html",
    "refusal_decision": "refusal_decision.html",
    "suspension_notice": "suspension_notice.html",
    "extension_notice": "extension_notice.html",
    "certificate": "certificate.html",
    "unit_result_letter": "unit_result_letter.html",
    "generic_notice": "generic_notice.html",
}

__all__ = [
    "DOCUMENT_TEMPLATES",
    "SigningKeys",
    "chinese_date",
    "content_sha256",
    "harfbuzz_subsetting_active",
    "qr_data_uri_svg",
    "qr_png",
    "qr_svg",
    "render_html",
    "render_pdf",
    "verification_url",
]
