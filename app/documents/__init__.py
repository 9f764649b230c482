"""Document layer: PDF rendering (WeasyPrint), QR codes and signed verification links.

Public API:
    render_pdf(template_name, context, *, static_dir) -> bytes
    render_html(template_name, context) -> str
    chinese_date(d) -> str                      # 二〇二六年十一月二十二日
    harfbuzz_subsetting_active() -> bool
    qr_svg(data) -> str, qr_png(data) -> bytes, qr_data_uri_svg(data) -> str
    SigningKeys(config).sign(kind, number, content_sha256) / .verify(...)
    content_sha256(fields) -> str, verification_url(base_url, number, signature) -> str

Templates (context keys documented at the top of each): templates/documents/*.html; which
document uses which template, with its title and legal basis: app/domain/catalogue/documents.py
and each service's `documents`.
"""
from app.documents.pdf import chinese_date, harfbuzz_subsetting_active, render_html, render_pdf
from app.documents.qr import qr_data_uri_svg, qr_png, qr_svg
from app.documents.signing import SigningKeys, content_sha256, verification_url

__all__ = [
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
