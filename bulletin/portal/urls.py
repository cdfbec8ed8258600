from django.urls import path, register_converter

from bulletin.portal import views


class TrackingNumber:
    """A submission's tracking number, as 2026-0137."""

    regex = r"[0-9]{4}-[0-9]{4,}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(TrackingNumber, "tracking")

app_name = "contribute"

urlpatterns = [
    path("", views.submission_list, name="list"),
    path("new/", views.submit, name="submit"),
    path("<tracking:number>/", views.detail, name="detail"),
    path("<tracking:number>/revise/", views.revise, name="revise"),
    path("<tracking:number>/proof/", views.proof, name="proof"),
    path("<tracking:number>/proof.pdf", views.proof_pdf, name="proof-pdf"),
    path("guide/", views.guide, name="guide"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout, name="logout"),
    path("register/", views.register, name="register"),
    path("password/", views.PasswordResetView.as_view(), name="password-reset"),
    path("password/<uidb64>/<token>/", views.SetPasswordView.as_view(), name="set-password"),
]
