"""Handing files in from other tests: upload through the API (as a client would), or stage one
through the operation (for tests that file through the operations)."""
from __future__ import annotations

import io

from app import timeutil
from app.operations import materials as material_ops
from tests.materials import samples


def api_upload(client, headers: dict, service: str, slot: str, data: bytes | None = None,
               name: str = "材料.pdf") -> int:
    response = client.post("/api/v1/uploads", headers=headers, content_type="multipart/form-data",
                           data={"service": service, "slot": slot,
                                 "file": (io.BytesIO(data or samples.pdf(pages=1)), name)})
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()["id"]


def api_materials(client, headers: dict, service: str, codes) -> dict[str, list[int]]:
    """One distinct file per material code, ready for `data.materials`."""
    return {code: [api_upload(client, headers, service, code, samples.jpeg(color=(n * 20 % 255, 80, 120)))]
            for n, code in enumerate(codes)}


def api_reply(client, headers: dict, application_id: int, code: str, data: bytes | None = None) -> int:
    """A file for a slot of an existing application (correction reply or 容缺 supplement)."""
    response = client.post(f"/api/v1/applications/{application_id}/materials/{code}", headers=headers,
                           content_type="multipart/form-data",
                           data={"file": (io.BytesIO(data or samples.png()), "补正.png")})
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()["id"]


def staged(user, service: str, slot: str, data: bytes | None = None) -> int:
    """Inside an app context: a staged file of `user` (a fresh one each call)."""
    return material_ops.stage_upload(owner=user, service_code=service, slot=slot, filename="材料.pdf",
                                     data=data or samples.jpeg(color=(len(slot) * 7 % 255, 10, 200)),
                                     now=timeutil.now()).file.id
