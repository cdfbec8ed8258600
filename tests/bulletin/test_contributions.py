"""The contributors' portal: a correspondent submits, follows and revises their pieces and answers
the proof; they see their own pieces and nothing else of the office's; each moment reaches them
by mail, once."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bulletin import contributions, workflow
from bulletin.models import Article, Contributor, Submission
from publishing import images
from publishing.models import Notification
from tests import factories as make

BODY = "<p>南州市科协组织科技志愿者走进乡村学校，开展科学实验进课堂活动。</p>"


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def wang(db):
    """王明, correspondent of 南州市科协."""
    return make.contributor("wang@nanzhou.example")


@pytest.fixture
def portal(client, wang):
    client.force_login(wang)
    return client


def submit(client, **fields):
    data = {
        "section": make.default_section().pk,
        "title": "科学实验走进乡村课堂",
        "byline": "文_南州市科协 王明",
        "body": BODY,
        "note": "配图两张",
        "photos-TOTAL_FORMS": "0",
        "photos-INITIAL_FORMS": "0",
        **fields,
    }
    return client.post(reverse("contribute:submit"), data)


def piece(contributor):
    return Submission.objects.of(contributor).select_related("article").get()


def to(mailoutbox, address):
    return [message for message in mailoutbox if address in message.to]


# Submitting ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_piece_written_in_the_portal_becomes_a_draft_credited_to_the_unit(portal, wang, newsroom, committed):
    with committed():
        response = submit(portal)

    submission = piece(wang)
    article = submission.article
    assert response.status_code == 302
    assert re.fullmatch(rf"{timezone.localdate().year}-\d{{4}}", submission.number)
    assert article.status == Article.Status.DRAFT
    assert article.contributor == "南州市科协"
    assert article.byline == "文_南州市科协 王明"
    assert article.created_by is None  # the office's mail about decisions never reaches a contributor
    assert submission.stage == Submission.Stage.RECEIVED
    page = portal.get(reverse("contribute:list")).content.decode()
    assert submission.number in page and "已收到" in page
    assert Notification.objects.filter(recipient=newsroom.author, message__contains=submission.number).exists()


@pytest.mark.django_db
def test_tracking_numbers_count_up_within_the_year(portal, wang):
    submit(portal, title="第一篇")
    submit(portal, title="第二篇")

    first, second = Submission.objects.of(wang).order_by("pk")
    assert second.sequence == first.sequence + 1
    assert second.number.endswith(f"{second.sequence:04d}")


@pytest.mark.django_db
def test_rich_text_from_a_contributor_is_sanitised(portal, wang):
    submit(
        portal, body='<p onclick="steal()">正文<script>alert(1)</script></p><iframe src="https://x.example"></iframe>'
    )

    body = piece(wang).article.body
    assert "script" not in body and "onclick" not in body and "iframe" not in body
    assert "正文" in body


@pytest.mark.django_db
def test_photos_are_checked_and_attached_with_captions(portal, wang):
    response = submit(
        portal,
        **{
            "photos-TOTAL_FORMS": "2",
            "photos-0-image": make.image_upload("lab.jpg"),
            "photos-0-caption": "学生动手做实验",
            "photos-0-credit": "李华",
            "photos-1-image": make.docx_upload("not-a-photo.jpg"),
        },
    )

    assert response.status_code == 200
    assert "图片" in response.content.decode()
    assert not Submission.objects.exists()  # nothing is kept from a refused form

    submit(
        portal,
        **{
            "photos-TOTAL_FORMS": "1",
            "photos-0-image": make.image_upload("lab.jpg"),
            "photos-0-caption": "学生动手做实验",
        },
    )
    [photo] = piece(wang).article.photos.all()
    assert photo.caption == "学生动手做实验"


@pytest.mark.django_db
def test_word_files_become_one_submission_each_through_the_office_import(portal, wang):
    response = submit(
        portal,
        title="",
        body="",
        documents=[
            make.docx_upload("一.docx", title="市科协举办青少年科技创新大赛"),
            make.docx_upload("二.docx", title="科普大篷车开进山区", image=True, caption="图为活动现场"),
        ],
    )

    assert response.status_code == 302
    titles = {s.article.title: s for s in Submission.objects.of(wang).select_related("article")}
    assert set(titles) == {"市科协举办青少年科技创新大赛", "科普大篷车开进山区"}
    assert titles["科普大篷车开进山区"].article.photos.count() == 1
    assert {s.article.contributor for s in titles.values()} == {"南州市科协"}


@pytest.mark.django_db
def test_a_bad_word_file_is_refused_in_chinese_and_nothing_is_kept(portal, wang):
    response = submit(
        portal,
        title="",
        body="",
        documents=[make.docx_upload("好.docx"), make.docx_upload("坏.docx", content=b"%PDF-1.4 not word")],
    )

    assert response.status_code == 200
    assert "这是 PDF 文件" in response.content.decode()
    assert not Submission.objects.exists() and not Article.objects.exists()


@pytest.mark.django_db
def test_a_submission_needs_a_title_and_text_or_a_file(portal):
    response = submit(portal, title="", body="<p> </p>")

    page = response.content.decode()
    assert response.status_code == 200
    assert "请填写标题。" in page and "请填写正文。" in page
    assert not Submission.objects.exists()


# Who sees what ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_contributor_never_sees_another_contributors_piece(client, wang):
    other = make.contributor("li@beishan.example", unit_name="北山市科协", name="李静")
    client.force_login(other)
    submit(client, title="北山市的来稿")
    theirs = piece(other)
    photo = make.photo(theirs.article)

    client.force_login(wang)
    assert client.get(reverse("contribute:detail", args=[theirs.number])).status_code == 404
    assert client.get(photo.image.url).status_code == 404
    assert "北山市的来稿" not in client.get(reverse("contribute:list")).content.decode()


@pytest.mark.django_db
def test_a_contributor_is_kept_out_of_the_admin(portal):
    for url in (reverse("admin:index"), reverse("admin:bulletin_submission_changelist"), reverse("desk:agenda")):
        response = portal.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.django_db
def test_a_contributor_does_not_read_unreleased_content_that_is_not_theirs(portal, draft_issue, newsroom):
    unreleased = newsroom.approved(draft_issue, title="尚未发布的稿件")
    photo = make.photo(unreleased)

    assert portal.get(unreleased.get_absolute_url()).status_code == 404
    assert portal.get(photo.image.url).status_code == 404


@pytest.mark.django_db
def test_the_contributor_sees_no_review_record_or_reviewer(portal, wang, newsroom):
    submit(portal)
    article = piece(wang).article
    workflow.submit(article, by=newsroom.author, comment="请王芳审核")
    workflow.send_back(article, by=newsroom.reviewer, comment="第二段数据需要核实")

    page = portal.get(reverse("contribute:detail", args=[piece(wang).number])).content.decode()
    assert "第二段数据需要核实" not in page and "reviewer" not in page and "请王芳审核" not in page


@pytest.mark.django_db
def test_staff_are_sent_to_the_admin_not_the_portal(staff_client):
    assert staff_client.get(reverse("contribute:list")).status_code == 403


@pytest.mark.django_db
def test_the_portal_is_never_cached_or_indexed(portal):
    response = portal.get(reverse("contribute:list"))

    assert "no-store" in response["Cache-Control"] or "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


@pytest.mark.django_db
def test_the_guide_is_open_to_anyone_and_linked_from_signing_in(client):
    guide = client.get(reverse("contribute:guide"))

    assert guide.status_code == 200
    assert "通讯员投稿指南" in guide.content.decode()
    assert reverse("contribute:guide") in client.get(reverse("contribute:login")).content.decode()


@pytest.mark.django_db
def test_signing_in_asks_for_the_portal_first(client):
    response = client.get(reverse("contribute:list"))

    assert response.status_code == 302 and response["Location"].startswith(reverse("contribute:login"))


# Accounts -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_registered_contributor_submits_once_the_office_approves(client, newsroom, mailoutbox, committed):
    unit = make.unit("东湖区科协")
    response = client.post(
        reverse("contribute:register"),
        {"name": "赵雪", "email": "Zhao@Donghu.example", "unit": unit.pk, "password": "keji-tongxun-2026"},
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(email="zhao@donghu.example")
    assert not user.is_staff and user.groups.filter(name="通讯员").exists()
    refused = client.get(reverse("contribute:submit"), follow=True).content.decode()
    assert "等待编辑部审核" in refused

    with committed():
        workflow.decide_registration(user.contributor, by=newsroom.author, approve=True)

    [approval] = to(mailoutbox, "zhao@donghu.example")
    assert "已通过审核" in approval.body
    assert client.get(reverse("contribute:submit")).status_code == 200


@pytest.mark.django_db
def test_an_invited_contributor_sets_a_password_and_signs_in(client, newsroom, mailoutbox, committed):
    unit = make.unit("西江市科协")
    with committed():
        workflow.invite(by=newsroom.author, name="陈林", email="chen@xijiang.example", unit=unit)

    [invitation] = mailoutbox
    link = re.search(r"https?://\S+/contribute/password/\S+/", invitation.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get("/" + path, follow=True)
    new_password = "xijiang-tongxun-2026"
    client.post(page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    response = client.post(reverse("contribute:login"), {"username": "chen@xijiang.example", "password": new_password})

    assert response.status_code == 302
    assert client.get(reverse("contribute:submit")).status_code == 200


@pytest.mark.django_db
def test_only_the_office_invites_and_approves(newsroom, wang):
    with pytest.raises(workflow.TransitionRefused):
        workflow.invite(by=wang, name="某人", email="x@y.example", unit=make.unit())
    pending = make.contributor("p@q.example", status=Contributor.Status.PENDING)
    with pytest.raises(workflow.TransitionRefused):
        workflow.decide_registration(pending.contributor, by=newsroom.reviewer, approve=True)


# Moments and mail ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_moment_reaches_the_contributor_once_by_mail(portal, wang, newsroom, draft_issue, mailoutbox, committed):
    with committed():
        submit(portal)
    submission = piece(wang)
    article = submission.article
    with committed():  # as the admin saves an edit: stamped, then recorded
        article.title, article.updated_by = "科学实验走进山村课堂", newsroom.author
        article.save()
        workflow.record_edit(article, by=newsroom.author, fields=["title"])
    with committed():
        workflow.submit(article, by=newsroom.author)
    with committed():
        article.issue = draft_issue
        article.save()
        workflow.approve(article, by=newsroom.reviewer)
        workflow.approve(article, by=newsroom.second_reviewer)
        workflow.approve(article, by=newsroom.chief)
    with committed():
        workflow.release_issue(draft_issue, by=newsroom.chief)
    with committed():
        contributions.tell_contributors()  # a second run tells nothing again

    subjects = [message.subject for message in to(mailoutbox, "wang@nanzhou.example")]
    assert [subject.split("】")[0] + "】" for subject in subjects] == [
        "【已收到】",
        "【编辑中】",
        "【审核中】",
        f"【已录用——{draft_issue.short_name}】",
        "【已刊发】",
    ]
    printed = to(mailoutbox, "wang@nanzhou.example")[-1].body
    assert article.get_absolute_url() in printed
    submission.refresh_from_db()
    assert submission.decided_at is not None
    page = portal.get(reverse("contribute:detail", args=[submission.number])).content.decode()
    assert "已刊发" in page and article.get_absolute_url() in page


@pytest.mark.django_db
def test_sent_back_the_contributor_reads_why_and_revises(portal, wang, newsroom, mailoutbox, committed, admin_client):
    with committed():
        submit(portal, body="<p>全市共有科技志愿者一千二百人。</p>")
    submission = piece(wang)
    with committed():
        workflow.return_to_contributor(submission, by=newsroom.author, comment="请补充活动时间和地点。")

    [returned] = [m for m in to(mailoutbox, "wang@nanzhou.example") if m.subject.startswith("【退修】")]
    assert "请补充活动时间和地点。" in returned.body
    page = portal.get(reverse("contribute:detail", args=[submission.number])).content.decode()
    assert "退修" in page and "请补充活动时间和地点。" in page

    response = portal.post(
        reverse("contribute:revise", args=[submission.number]),
        {"title": "科学实验走进乡村课堂", "body": "<p>全市共有科技志愿者一千三百人。</p>", "note": "改了人数"},
    )
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.IN_OFFICE
    assert "一千三百人" in submission.article.body
    office = admin_client.get(reverse("admin:bulletin_submission_change", args=[submission.pk])).content.decode()
    # Character by character: the one character changed is marked, not the word or the sentence.
    assert "<del>二</del><ins>三</ins>" in office


@pytest.mark.django_db
def test_a_declined_piece_tells_the_reason_and_cannot_be_revised(portal, wang, newsroom, mailoutbox, committed):
    with committed():
        submit(portal)
    submission = piece(wang)
    with committed():
        workflow.decline(submission, by=newsroom.author, reason="本刊近期已刊发同类报道。")

    [declined] = [m for m in to(mailoutbox, "wang@nanzhou.example") if m.subject.startswith("【未采用】")]
    assert "本刊近期已刊发同类报道。" in declined.body
    response = portal.post(reverse("contribute:revise", args=[submission.number]), {"title": "再投", "body": BODY})
    assert response.status_code == 302
    assert piece(wang).article.title == "科学实验走进乡村课堂"


@pytest.mark.django_db
def test_the_office_must_say_why_and_answer_only_a_draft(portal, wang, newsroom):
    submit(portal)
    submission = piece(wang)
    with pytest.raises(workflow.TransitionRefused, match="请写明不采用的理由"):
        workflow.decline(submission, by=newsroom.author, reason=" ")
    workflow.submit(submission.article, by=newsroom.author)
    with pytest.raises(workflow.TransitionRefused, match="退回为草稿"):
        workflow.return_to_contributor(submission, by=newsroom.author, comment="请修改")
    with pytest.raises(workflow.TransitionRefused, match="没有处理来稿的权限"):
        workflow.decline(submission, by=newsroom.nobody, reason="不用")
    assert piece(wang).status == Submission.Status.IN_OFFICE


@pytest.mark.django_db
def test_an_answer_on_a_page_older_than_the_submission_is_refused(portal, wang, newsroom):
    submit(portal)
    submission = piece(wang)
    seen = submission.version
    workflow.return_to_contributor(submission, by=newsroom.author, comment="请补充时间。", seen_version=seen)
    portal.post(reverse("contribute:revise", args=[submission.number]), {"title": "新标题", "body": BODY})

    with pytest.raises(workflow.TransitionRefused, match="请刷新页面"):
        workflow.decline(submission, by=newsroom.chief, reason="不用了", seen_version=seen)


# Proof --------------------------------------------------------------------------------------------


@pytest.fixture
def accepted(portal, wang, newsroom, draft_issue):
    submit(portal)
    submission = piece(wang)
    article = submission.article
    article.issue = draft_issue
    article.first_page, article.last_page = 12, 13
    article.save()
    newsroom.review(article)
    return Submission.objects.get(pk=submission.pk)


@pytest.mark.django_db
def test_the_contributor_confirms_the_proof_as_it_will_print(portal, accepted, newsroom, mailoutbox, committed):
    with committed():
        workflow.send_proof(accepted, by=newsroom.author)
    [notice] = [m for m in mailoutbox if m.subject.startswith("【校样】")]
    assert accepted.number in notice.body

    page = portal.get(reverse("contribute:proof", args=[accepted.number])).content.decode()
    assert "第12–13页" in page and "（供稿：南州市科协）" in page
    portal.post(reverse("contribute:proof", args=[accepted.number]), {"answer": "confirm"})

    accepted.refresh_from_db()
    assert accepted.proof == Submission.Proof.CONFIRMED


@pytest.mark.django_db
def test_asking_for_corrections_needs_them_written_and_tells_the_office(portal, accepted, newsroom):
    workflow.send_proof(accepted, by=newsroom.author)
    url = reverse("contribute:proof", args=[accepted.number])

    empty = portal.post(url, {"answer": "corrections", "corrections": ""})
    assert "请写明需要修改的地方。" in empty.content.decode()
    portal.post(url, {"answer": "corrections", "corrections": "第二段“一千二百”应为“一千三百”。"})

    accepted.refresh_from_db()
    assert accepted.proof == Submission.Proof.CORRECTIONS
    assert Notification.objects.filter(message__contains="要求修改校样").exists()


@pytest.mark.django_db
def test_a_proof_is_answered_only_before_its_deadline(portal, accepted, newsroom):
    workflow.send_proof(accepted, by=newsroom.author, due=timezone.localdate())
    Submission.objects.filter(pk=accepted.pk).update(proof_due=timezone.localdate() - timedelta(days=1))

    portal.post(reverse("contribute:proof", args=[accepted.number]), {"answer": "confirm"})

    accepted.refresh_from_db()
    assert accepted.proof == Submission.Proof.SENT
    with pytest.raises(workflow.TransitionRefused, match="已过确认期限"):
        workflow.answer_proof(accepted, by=accepted.contributor)


@pytest.mark.django_db
def test_a_proof_is_sent_only_for_an_accepted_piece(portal, wang, newsroom):
    submit(portal)
    with pytest.raises(workflow.TransitionRefused, match="已录用"):
        workflow.send_proof(piece(wang), by=newsroom.author)


@pytest.mark.django_db
def test_the_contributor_list_takes_the_same_queries_for_one_piece_or_many(portal, wang):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert portal.get(reverse("contribute:list")).status_code == 200
        return len(captured)

    submit(portal)
    one = queries()
    for n in range(5):
        submit(portal, title=f"第{n}篇")

    assert queries() == one


@pytest.mark.django_db
def test_a_contributed_piece_leaves_by_a_decline_not_a_deletion(portal, wang, newsroom):
    submit(portal)
    article = piece(wang).article

    with pytest.raises(workflow.TransitionRefused, match="不采用"):
        workflow.delete(article, by=newsroom.chief)
    assert Submission.objects.of(wang).exists()


@pytest.mark.django_db
def test_new_pieces_and_proof_corrections_wait_on_the_office_desk(portal, wang, newsroom, client):
    submit(portal)
    submission = piece(wang)
    client.force_login(newsroom.author)

    agenda = client.get(reverse("desk:agenda")).content.decode()
    assert "新来稿" in agenda and submission.number in agenda

    workflow.return_to_contributor(submission, by=newsroom.author, comment="请补充时间。")
    assert submission.number not in client.get(reverse("desk:agenda")).content.decode()


@pytest.mark.django_db
def test_the_article_page_says_whose_contribution_it_is(portal, wang, editor):
    submit(portal)
    submission = piece(wang)
    office = Client()
    office.force_login(editor)

    page = office.get(reverse("admin:bulletin_article_change", args=[submission.article.pk])).content.decode()

    assert f"稿号 {submission.number}" in page and "南州市科协" in page and "配图两张" in page


@pytest.mark.django_db
def test_a_revision_may_come_as_a_word_file(portal, wang, newsroom):
    submit(portal)
    submission = piece(wang)
    workflow.return_to_contributor(submission, by=newsroom.author, comment="请补充活动时间。")

    response = portal.post(
        reverse("contribute:revise", args=[submission.number]),
        {
            "title": "",
            "body": "",
            "document": make.docx_upload(
                "修改稿.docx",
                title="科学实验走进乡村课堂",
                paragraphs=["十月十二日，南州市科协组织科技志愿者走进乡村学校。"],
            ),
        },
    )

    assert response.status_code == 302
    submission.refresh_from_db()
    assert "十月十二日" in submission.article.body
    assert submission.versions.filter(from_office=False).count() == 2


@pytest.mark.django_db
def test_the_office_answers_from_the_submission_page(portal, wang, editor):
    submit(portal)
    submission = piece(wang)
    office = Client()
    office.force_login(editor)
    page = reverse("admin:bulletin_submission_change", args=[submission.pk])
    returning = reverse("admin:bulletin_submission_return", args=[submission.pk])

    empty = office.post(returning, {"text": "", "seen": submission.version}, follow=True)
    assert "请写明需要通讯员修改的地方。" in empty.content.decode()
    done = office.post(returning, {"text": "请补充活动时间。", "seen": submission.version}, follow=True)
    assert f"已请通讯员修改来稿 {submission.number}。" in done.content.decode()
    stale = office.post(
        reverse("admin:bulletin_submission_decline", args=[submission.pk]),
        {"text": "不用了。", "seen": submission.version},
        follow=True,
    )
    assert "请刷新页面" in stale.content.decode() or "不能再作此决定" in stale.content.decode()
    assert piece(wang).status == Submission.Status.RETURNED
    assert office.get(page).status_code == 200


@pytest.mark.django_db
def test_registrations_from_one_network_are_limited(client, newsroom):
    unit = make.unit("东湖区科协")
    statuses = [
        client.post(
            reverse("contribute:register"),
            {"name": f"注册者{n}", "email": f"r{n}@donghu.example", "unit": unit.pk, "password": "keji-tongxun-2026"},
        ).status_code
        for n in range(6)
    ]

    assert statuses == [302] * 5 + [429]
    assert Contributor.objects.count() == 5


@pytest.mark.django_db
def test_photos_beside_word_files_are_refused_rather_than_dropped(portal):
    response = submit(
        portal,
        title="",
        body="",
        documents=[make.docx_upload("一.docx")],
        **{"photos-TOTAL_FORMS": "1", "photos-0-image": make.image_upload("lab.jpg")},
    )

    assert response.status_code == 200
    assert "请把图片和图片说明放在文件中" in response.content.decode()
    assert not Submission.objects.exists()


@pytest.mark.django_db
def test_the_contributor_sees_the_images_of_their_own_unpublished_piece_only(portal, wang, client):
    submit(
        portal,
        **{"photos-TOTAL_FORMS": "1", "photos-0-image": make.image_upload("lab.jpg"), "photos-0-caption": "做实验"},
    )
    article = piece(wang).article
    inserted = "/media/" + images.store_image(make.image_upload("field.jpg", size=(800, 600)))
    article.body += f'<figure class="image"><img src="{inserted}" alt="田间"></figure>'
    article.save()
    photo = article.photos.get().image.url

    assert portal.get(photo).status_code == 200
    assert portal.get(inserted).status_code == 200
    other = Client()
    other.force_login(make.contributor("li@beishan.example", unit_name="北山市科协"))
    assert other.get(photo).status_code == 404
    assert other.get(inserted).status_code == 404
    assert Client().get(photo).status_code == 404


@pytest.mark.django_db
def test_a_submission_that_fails_leaves_no_photo_in_storage(wang, media_root, monkeypatch):
    def broken(*args, **kwargs):
        raise workflow.TransitionRefused("稿号已用完")

    monkeypatch.setattr("bulletin.workflow.contributions.record_submission", broken)

    with pytest.raises(workflow.TransitionRefused):
        workflow.submit_piece(
            by=wang,
            title="科学实验走进乡村课堂",
            body=BODY,
            section=make.default_section(),
            photos=[(make.image_upload("lab.jpg"), "做实验", "")],
        )

    assert not Article.objects.exists()
    assert [path for path in media_root.rglob("*") if path.is_file()] == []


@pytest.mark.django_db
def test_the_article_list_tells_contributed_pieces_and_declined_ones_apart(portal, wang, newsroom, editor):
    submit(portal, title="学校科普周活动")
    submit(portal, title="湿地观鸟活动")
    workflow.decline(Submission.objects.get(article__title="湿地观鸟活动"), by=newsroom.author, reason="题材重复。")
    make.draft(by=editor, title="常委会议召开")
    office = Client()
    office.force_login(editor)

    def listed(source):
        page = office.get(reverse("admin:bulletin_article_changelist"), {"source": source})
        return {title for title in ("学校科普周活动", "湿地观鸟活动", "常委会议召开") if title in page.content.decode()}

    assert listed("contributed") == {"学校科普周活动"}
    assert listed("declined") == {"湿地观鸟活动"}
    assert listed("office") == {"常委会议召开"}


@pytest.mark.django_db
def test_registering_an_address_that_has_an_account_is_refused_in_chinese(client, wang):
    response = client.post(
        reverse("contribute:register"),
        {
            "name": "王明",
            "email": "Wang@Nanzhou.example",
            "unit": make.unit("东湖区科协").pk,
            "password": "keji-tongxun-2026",
        },
    )

    assert response.status_code == 200
    assert "已经有账号了" in response.content.decode() and "忘记密码" in response.content.decode()
    assert Contributor.objects.count() == 1


@pytest.mark.django_db
def test_forgetting_the_password_mails_correspondents_only_the_invited_too(client, newsroom, mailoutbox, committed):
    with committed():
        workflow.invite(by=newsroom.author, name="陈林", email="chen@xijiang.example", unit=make.unit("西江市科协"))
    mailoutbox.clear()

    for address in ("chen@xijiang.example", "author@kexie.example"):
        response = client.post(reverse("contribute:password-reset"), {"email": address})
        assert response.status_code == 302

    [mail] = mailoutbox
    assert mail.to == ["chen@xijiang.example"]
    assert "/contribute/password/" in mail.body and mail.subject.startswith("【设置密码】")
