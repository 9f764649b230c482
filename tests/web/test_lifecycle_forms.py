"""The same lifecycle through the HTML forms people click, CSRF on, time controlled."""
import re

from tests.conftest import confirm_answers, csrf_from, file_through_the_form, local, login, logout


def _post(client, url, data):
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    return client.post(url, data={**data, "csrf_token": csrf_from(page.get_data(as_text=True))})


def _switch(client, username):
    logout(client)
    response = login(client, username)
    assert response.status_code == 302
    return client


def test_file_and_process_through_the_forms(client, clock):
    login(client, "citizen")
    answers = _post(client, "/my/apply/criminal_record", {"applicant_type": "individual", "purpose": "入职体检",
                                                           "route": "hukou", "subject_name": "钱勇"})
    # Check your answers first: each answer in words, nothing filed yet, an answer to a
    # question that does not apply to a person applying for themselves left out.
    page = answers.get_data(as_text=True)
    assert answers.status_code == 200 and "核对申请信息" in page and "申请尚未提交" in page
    assert "本人申请" in page and "入职体检" in page and "户籍地派出所" in page
    # Carried as typed (going back keeps it) but not an answer: a person applying for themselves
    # is not asked whom the certificate is about.
    assert "被查询人姓名" not in page and '<input type="hidden" name="subject_name" value="钱勇">' in page
    assert "您还没有办件" in client.get("/my/").get_data(as_text=True)
    filed = confirm_answers(client, "/my/apply/criminal_record", answers)
    assert filed.status_code == 302
    confirmation = client.get(filed.headers["Location"]).get_data(as_text=True)
    number = re.search(r"(FZ\d{14})", confirmation).group(1)
    assert "<svg" in confirmation and "/t/" in confirmation  # the QR code and the tracking link
    assert "视为受理" in confirmation  # what happens next
    application_id = int(re.search(r"/my/applications/(\d+)", confirmation).group(1))
    tracking_url = re.search(r'href="(http://localhost/t/[^"]+)"', confirmation).group(1)
    # The applicant's page shows what they answered, in words, and nothing the office derived.
    mine = client.get(f"/my/applications/{application_id}").get_data(as_text=True)
    answers_section = mine[mine.index('id="answers-title"'):mine.index("</section>", mine.index('id="answers-title"'))]
    assert "本人申请" in answers_section and "入职体检" in answers_section and "户籍地派出所" in answers_section
    assert "本年度第几次申请" not in answers_section and "申请渠道" not in answers_section

    _switch(client, "clerk")
    queue = client.get("/desk/").get_data(as_text=True)
    assert number in queue
    detail_url = f"/desk/applications/{application_id}"
    detail = client.get(detail_url).get_data(as_text=True)
    # The materials the clerk reviews are the ones that apply: no agent's power of attorney, no
    # unit's letter, for a person applying for themselves.
    assert "申请人有效身份证件" in detail and "用途证明材料" in detail
    assert "授权委托书及受托人身份证件" not in detail and "单位介绍信及法律依据说明" not in detail
    client.post(f"{detail_url}/claim", data={"csrf_token": csrf_from(detail)})
    assert "周晓燕" in client.get(detail_url).get_data(as_text=True)  # claimed by the clerk
    corrected = _post(client, f"{detail_url}/actions/request_correction", {"items": "户口簿首页\n\n近期照片\n"})
    assert corrected.status_code == 302

    _switch(client, "citizen")
    mine = client.get(f"/my/applications/{application_id}").get_data(as_text=True)
    assert "户口簿首页" in mine and "近期照片" in mine
    clock.set(local(2026, 11, 17, 9))
    client.post(f"/my/applications/{application_id}/resubmit",
                data={"note": "已补齐", "csrf_token": csrf_from(mine)})

    _switch(client, "clerk")
    again = _post(client, f"{detail_url}/actions/request_correction", {"items": "另一项"})
    assert again.status_code == 409 and "一次性" in again.get_data(as_text=True)
    assert _post(client, f"{detail_url}/actions/accept", {}).status_code == 302
    assert _post(client, f"{detail_url}/actions/suspend", {"reason_code": "testing", "reason": "笔迹检验"}).status_code == 302
    assert "计时已暂停" in client.get(tracking_url.replace("http://localhost", "")).get_data(as_text=True)
    clock.set(local(2026, 11, 19, 10))
    assert _post(client, f"{detail_url}/actions/resume", {}).status_code == 302
    # The criminal record's 3-working-day limit has no extension (only the investigation pause).
    assert "申请延长办理期限" not in client.get(detail_url).get_data(as_text=True)
    refused = _post(client, f"{detail_url}/actions/request_extension", {"reason": "复杂"})
    assert refused.status_code == 409 and "该事项不适用此项操作" in refused.get_data(as_text=True)

    _switch(client, "supervisor")
    assert "延长办理期限" not in client.get(detail_url).get_data(as_text=True)
    assert _post(client, f"{detail_url}/actions/extend", {"reason": "需补充核查"}).status_code == 409

    _switch(client, "clerk")
    assert _post(client, f"{detail_url}/actions/approve", {}).status_code == 302
    assert _post(client, f"{detail_url}/actions/issue", {}).status_code == 302

    _switch(client, "citizen")
    final = client.get(f"/my/applications/{application_id}").get_data(as_text=True)
    assert "已发证" in final
    links = re.findall(rf'href="(/my/applications/{application_id}/documents/\d+)">([^<]+)', final)
    titles = [title for _, title in links]
    for expected in ("收件回执", "补正告知书", "受理通知书", "中止办理告知书", "无犯罪记录证明"):
        assert any(expected in title for title in titles), (expected, titles)
    for url, _ in links:
        pdf = client.get(url)
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")

    track = client.get(tracking_url.replace("http://localhost", "")).get_data(as_text=True)
    assert "已发证" in track and "李明" not in track and "李*" in track


def test_not_accept_needs_a_reason_and_produces_the_decision(client):
    login(client, "citizen")
    filed = file_through_the_form(client, "/my/apply/criminal_record", {"applicant_type": "individual", "purpose": "留学"})
    application_id = int(filed.headers["Location"].split("/")[-2])
    _switch(client, "clerk")
    url = f"/desk/applications/{application_id}/actions/not_accept"
    missing = _post(client, url, {"reason": "", "confirm": "y"})
    assert missing.status_code == 422
    unconfirmed = _post(client, url, {"reason": "不属于本机关职权范围，请向户籍地派出所申请"})
    assert unconfirmed.status_code == 422 and "请勾选确认后再作出决定" in unconfirmed.get_data(as_text=True)
    assert "不予受理决定书" not in client.get(f"/desk/applications/{application_id}").get_data(as_text=True)
    assert _post(client, url, {"reason": "不属于本机关职权范围，请向户籍地派出所申请", "confirm": "y"}).status_code == 302
    detail = client.get(f"/desk/applications/{application_id}").get_data(as_text=True)
    assert "不予受理决定书" in detail


def test_filing_errors_are_shown_on_the_field_and_nothing_is_filed(client):
    login(client, "citizen")
    response = _post(client, "/my/apply/criminal_record", {"applicant_type": "agent", "purpose": "入职",
                                                            "subject_name": "钱勇", "subject_id_number": "123"})
    assert response.status_code == 422
    assert "授权委托书" in response.get_data(as_text=True)
    assert "您还没有办件" in client.get("/my/").get_data(as_text=True)
