from django import forms
from django.utils.translation import gettext_lazy as _

from stabil.core.kolada import MAX_RESPONSE_BYTES


class KoladaYearForm(forms.Form):
    ar = forms.IntegerField(label=_("År"), min_value=2000, max_value=2100)


class KoladaUploadForm(forms.Form):
    file = forms.FileField(label=_("Fil från Kolada (JSON, svaret från v3-API:ts /data/kpi/…)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_RESPONSE_BYTES:
            raise forms.ValidationError(_("Filen är för stor (högst 64 MB)."))
        return upload
