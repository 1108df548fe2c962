"""Kolada values imported for comparison (issue 14): one municipality's value of one Kolada KPI in one year
and gender. Read through ``feeds.selectors`` (the scorecard and board paper through governance's selectors)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class KoladaValue(models.Model):
    class Gender(models.TextChoices):
        TOTAL = "T", _("totalt")
        WOMEN = "K", _("kvinnor")
        MEN = "M", _("män")

    kpi = models.CharField(_("nyckeltal"), max_length=16)
    municipality = models.CharField(_("kommunkod"), max_length=8)
    period = models.PositiveSmallIntegerField(_("år"))
    gender = models.CharField(_("kön"), max_length=1, choices=Gender.choices, default=Gender.TOTAL)
    value = models.FloatField(_("värde"), null=True, blank=True)
    count = models.IntegerField(_("antal"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=32, blank=True)
    imported_at = models.DateTimeField(_("importerad"), auto_now=True)

    class Meta:
        verbose_name = _("Kolada-värde")
        verbose_name_plural = _("Kolada-värden")
        constraints = [models.UniqueConstraint(fields=["kpi", "municipality", "period", "gender"],
                                               name="feeds_kolada_value_unique")]
        ordering = ["kpi", "municipality", "period", "gender"]

    def __str__(self) -> str:
        return f"{self.kpi} {self.municipality} {self.period} {self.gender}"
