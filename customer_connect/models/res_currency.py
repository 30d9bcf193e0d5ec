from odoo import models, tools

try:
    from num2words import CONVERTER_CLASSES
except ImportError:  # Odoo's amount_to_text says it is missing
    CONVERTER_CLASSES = {}

# The currency's own words where num2words' English is not what a reader of
# the document expects ("pounds sterling", plural "euro")
ENGLISH_FORMS = {
    "GBP": (("pound", "pounds"), ("penny", "pence")),
    "EUR": (("euro", "euros"), ("cent", "cents")),
}
# "twenty pounds and five pence": the word joining units and subunits, per
# language; a comma where none is known
CONJUNCTIONS = {
    "en": " and",
    "fr": " et",
    "de": " und",
    "nl": " en",
    "es": " y",
    "it": " e",
    "pt": " e",
}


class ResCurrency(models.Model):
    """Amounts in words in the reader's language with the currency's own
    words ("twenty-two thousand, eight hundred and thirty-six pounds and
    forty-seven pence"), wherever Odoo writes one (statements, the invoice's
    total in words, cheques). Odoo's amount_to_text glues num2words'
    cardinals to the currency's labels ("Twenty-Two Thousand ... Sterling and
    Forty-Seven Penny" for GBP); num2words knows each language's currency
    names and their plurals. A currency or language num2words does not know
    keeps Odoo's text."""

    _inherit = "res.currency"

    def amount_to_text(self, amount):
        self.ensure_one()
        words = self._connect_amount_in_words(amount, tools.get_lang(self.env).code)
        return words if words is not None else super().amount_to_text(amount)

    def _connect_amount_in_words(self, amount, lang_code):
        """``amount`` in words in ``lang_code`` (en_GB, fr_FR...) through
        num2words' currency names, or None where num2words has none."""
        self.ensure_one()
        language = lang_code.split("_")[0]
        converter = CONVERTER_CLASSES.get(lang_code) or CONVERTER_CLASSES.get(language)
        if converter is None or self.decimal_places not in (0, 2):
            return None
        forms = (language == "en" and ENGLISH_FORMS.get(self.name)) or getattr(
            converter, "CURRENCY_FORMS", {}
        ).get(self.name)
        if not forms:
            return None
        cents = round(abs(self.round(amount)) * 10**self.decimal_places)
        units, subunits = (
            divmod(cents, 10**self.decimal_places) if self.decimal_places else (cents, 0)
        )
        try:
            words = f"{converter.to_cardinal(units)} {converter.pluralize(units, forms[0])}"
            if subunits:
                words += (
                    f"{CONJUNCTIONS.get(language, ',')} "
                    f"{converter.to_cardinal(subunits)} {converter.pluralize(subunits, forms[1])}"
                )
        except (NotImplementedError, IndexError, TypeError):
            return None
        if self.compare_amounts(amount, 0) < 0:
            words = f"{converter.negword.strip()} {words}"
        return words
