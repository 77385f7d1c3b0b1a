"""Learning consultations: residents ask, staff answer and route them."""
