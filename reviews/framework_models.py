"""The framework a review works through: its themes, scope areas, focus areas and grade scales (this app's
models, imported into reviews.models)."""

from django.db import models
from django.db.models import Q


class Framework(models.Model):
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=40)
    description = models.TextField(blank=True)
    is_default = models.BooleanField(default=False, help_text="Offered first for new reviews.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="framework_unique_version"),
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True), name="framework_one_default"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"


class Theme(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="themes")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["framework", "order"], name="theme_unique_order"),
            models.UniqueConstraint(fields=["framework", "name"], name="theme_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class ScopeArea(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="scope_areas")
    review = models.ForeignKey(
        "Review",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="local_scope_areas",
        help_text="Set for a scope item of one council's own; empty for the framework's shared scope areas.",
    )
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "order"], condition=Q(review__isnull=True), name="scopearea_unique_order"
            ),
            models.UniqueConstraint(
                fields=["framework", "title"], condition=Q(review__isnull=True), name="scopearea_unique_title"
            ),
            models.UniqueConstraint(
                fields=["review", "order"], condition=Q(review__isnull=False), name="scopearea_local_unique_order"
            ),
            models.UniqueConstraint(
                fields=["review", "title"], condition=Q(review__isnull=False), name="scopearea_local_unique_title"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class FocusArea(models.Model):
    class Kind(models.TextChoices):
        FOCUS = "focus", "Focus area"
        CIRCUMSTANCE = "circumstance", "Specific circumstance"

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="focus_areas")
    review = models.ForeignKey(
        "Review",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="local_focus_areas",
        help_text="Set for a line of enquiry of one council's own; empty for the framework's shared ones.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "kind", "order"], condition=Q(review__isnull=True), name="focusarea_unique_order"
            ),
            models.UniqueConstraint(
                fields=["framework", "title"], condition=Q(review__isnull=True), name="focusarea_unique_title"
            ),
            models.UniqueConstraint(
                fields=["review", "kind", "order"],
                condition=Q(review__isnull=False),
                name="focusarea_local_unique_order",
            ),
            models.UniqueConstraint(
                fields=["review", "title"], condition=Q(review__isnull=False), name="focusarea_local_unique_title"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class GradeScale(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="grade_scales")
    name = models.CharField(max_length=200)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["framework", "name"], name="gradescale_unique_name"),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_to__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="gradescale_valid_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Grade(models.Model):
    scale = models.ForeignKey(GradeScale, on_delete=models.CASCADE, related_name="grades")
    rank = models.PositiveSmallIntegerField(help_text="1 is the best grade; each grade in a scale has its own rank.")
    label = models.CharField(max_length=120)
    description = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scale", "rank"], name="grade_unique_rank_in_scale"),
            models.UniqueConstraint(fields=["scale", "label"], name="grade_unique_label_in_scale"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="grade_rank_positive"),
        ]

    def __str__(self) -> str:
        return self.label
