from django import forms

from bulletin.models import Article, PublicationStatus

# Until the review workflow arrives, an editor may only keep a piece in draft or publish it.
EDITABLE_STATUSES = {PublicationStatus.DRAFT, PublicationStatus.PUBLISHED}


class ArticleForm(forms.ModelForm):
    """An article as the admin edits it, alone or as a row of its issue.

    A state the editor cannot choose (withdrawn, say) stays selectable while the article is in
    it, so that saving a correction never changes the state behind the editor's back.
    """

    class Meta:
        model = Article
        fields = "__all__"  # noqa: DJ007 -- the admin narrows them to its fieldsets and inline columns

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "status" in self.fields:
            allowed = EDITABLE_STATUSES | {self.instance.status}
            self.fields["status"].choices = [c for c in PublicationStatus.choices if c[0] in allowed]
