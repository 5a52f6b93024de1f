"""Forms of the modules: the end-of-module questionnaire and the changes of a session."""

from django import forms
from django.utils.translation import gettext_lazy as _

from astep.forms import submit_helper
from astep.modules.models import Feedback

SATISFACTION_CHOICES = [
    (1, _("1 — Pas du tout satisfait")),
    (2, _("2 — Peu satisfait")),
    (3, _("3 — Moyennement satisfait")),
    (4, _("4 — Satisfait")),
    (5, _("5 — Très satisfait")),
]


class FeedbackForm(forms.ModelForm):
    """The end-of-module questionnaire of the teacher or the volunteer (one answer each)."""

    satisfaction = forms.TypedChoiceField(
        label=_("Dans l'ensemble, êtes-vous satisfait·e de ce module ?"),
        choices=SATISFACTION_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    would_repeat = forms.TypedChoiceField(
        label=_("Referiez-vous un module ASTEP ?"),
        choices=[("True", _("Oui")), ("False", _("Non"))],
        coerce=lambda value: value == "True",
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Feedback
        fields = ["satisfaction", "what_worked", "would_repeat", "comments"]
        labels = {
            "what_worked": _("Qu'est-ce qui a bien fonctionné ?"),
            "comments": _("Autres remarques"),
        }
        help_texts = {
            "what_worked": _("Les activités, l'organisation des séances, la collaboration…"),
            "comments": _("Ce qui pourrait être amélioré, vos suggestions (facultatif)."),
        }
        widgets = {
            "what_worked": forms.Textarea(attrs={"rows": 4}),
            "comments": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Envoyer mes réponses"))


class SessionChangeForm(forms.Form):
    """Move a session (new date or times: a reason is asked) or change its topic."""

    day = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    start_time = forms.TimeField(
        label=_("Début"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=_("Fin"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    topic = forms.CharField(
        label=_("Contenu prévu"),
        required=False,
        max_length=200,
        help_text=_("Par exemple « Les états de l'eau : expériences de fusion »."),
    )
    reason = forms.CharField(
        label=_("Motif du changement"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Obligatoire si la date ou l'horaire change ; il est transmis à l'autre partie."
        ),
    )

    def __init__(self, *args, session, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "day": session.date,
                "start_time": session.start_time,
                "end_time": session.end_time,
                "topic": session.topic,
            },
        )
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Enregistrer"))

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("L'heure de fin doit suivre l'heure de début."))
        return data


class SessionCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif de l'annulation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Il est transmis à l'autre partie."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = submit_helper(_("Annuler la séance"))
