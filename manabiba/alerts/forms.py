from django import forms


class SavedSearchForm(forms.Form):
    """The listing's filters, as its GET query, carried by the button that saves them."""

    query = forms.CharField(required=False, widget=forms.HiddenInput)
