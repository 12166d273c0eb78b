"""A model choice field over records already loaded, for a form that offers the same few choices many times (a
grade for each of nine audit domains): Django's field asks the database twice a field to draw its options and once
more to check the answer; this one asks none, and still refuses anything not among the records it was given."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator


class _ListedIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for record in self.field.records:
            yield self.choice(record)

    def __len__(self):
        return len(self.field.records) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.records)


class ListedChoiceField(forms.ModelChoiceField):
    iterator = _ListedIterator

    def __init__(self, records: list, **kwargs) -> None:
        self.records = list(records)
        model = type(self.records[0]) if self.records else None
        queryset = model._default_manager.filter(pk__in=[record.pk for record in self.records]) if model else None
        super().__init__(queryset=queryset, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        for record in self.records:
            if str(record.pk) == str(value):
                return record
        raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
