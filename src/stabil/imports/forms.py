from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Fil (CSV eller XLSX)"))
    dry_run = forms.BooleanField(label=_("Kontrollera bara, spara inget"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".txt", ".xlsx", ".xlsm")):
            raise forms.ValidationError(_("Filen måste vara en CSV- eller XLSX-fil."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Filen är större än 200 MB; importera den med kommandot stabil import."))
        return upload
