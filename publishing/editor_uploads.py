"""Images uploaded from the rich-text editor (CKEditor 5's simple upload adapter).

The editor expects JSON either way: ``{"url": …}`` on success, ``{"error": {"message": …}}``
otherwise, and shows the message to the editor as it is.
"""

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from publishing.images import store_image

# Whoever may change content that has a rich-text field may put images in it.
EDIT_PERMISSIONS = ("bulletin.change_article", "people.change_person", "events.change_event")


def error(message, status):
    return JsonResponse({"error": {"message": message}}, status=status)


@never_cache
@require_POST
def upload_image(request):
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return error("请先登录编辑后台，再上传图片。", status=403)
    if not any(user.has_perm(permission) for permission in EDIT_PERMISSIONS):
        return error("你没有编辑稿件、人物或活动的权限，不能上传图片。", status=403)
    upload = request.FILES.get("upload")
    if upload is None:
        return error("没有收到图片文件，请重新选择图片。", status=400)
    try:
        name = store_image(upload, folder="editor")
    except ValidationError as invalid:
        return error(" ".join(invalid.messages), status=400)
    return JsonResponse({"url": default_storage.url(name)})
