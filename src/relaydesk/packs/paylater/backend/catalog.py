"""Believable, fictional raw material for the seeded data: people, places, shops and goods."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Country:
    """Where a customer lives, and what that means for names, language and money."""

    code: str
    language: str
    currency: str
    weight: int  # relative share of customers
    phone_prefix: str
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    streets: tuple[str, ...]
    cities: tuple[tuple[str, str], ...]  # (city, postal code)
    banks: tuple[str, ...]


COUNTRIES: tuple[Country, ...] = (
    Country(
        "SE", "sv", "SEK", 34, "+46 70",
        ("Astrid", "Elsa", "Maja", "Ingrid", "Linnea", "Karin", "Erik", "Lars", "Johan",
         "Oskar", "Nils", "Gustav", "Axel", "Freja"),
        ("Lindqvist", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Berg",
         "Holm", "Sandberg", "Lund", "Forsberg", "Ekström"),
        ("Drottninggatan", "Storgatan", "Kungsgatan", "Vasagatan", "Sveavägen", "Linnégatan"),
        (("Stockholm", "114 35"), ("Göteborg", "411 05"), ("Malmö", "211 20"),
         ("Uppsala", "753 10"), ("Lund", "222 21"), ("Umeå", "903 26")),
        ("Swedbank", "SEB", "Handelsbanken", "Nordea"),
    ),
    Country(
        "FI", "fi", "EUR", 14, "+358 40",
        ("Aino", "Helmi", "Emilia", "Venla", "Mikko", "Juha", "Eero", "Onni", "Leevi",
         "Sanna"),
        ("Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Hämäläinen", "Laine", "Heikkinen",
         "Koskinen"),
        ("Mannerheimintie", "Aleksanterinkatu", "Hämeenkatu", "Itäinen Pitkäkatu"),
        (("Helsinki", "00100"), ("Tampere", "33100"), ("Turku", "20100"), ("Oulu", "90100")),
        ("OP", "Nordea", "Danske Bank"),
    ),
    Country(
        "DE", "de", "EUR", 22, "+49 151",
        ("Anna", "Lena", "Hannah", "Sophie", "Lukas", "Jonas", "Felix", "Paul", "Maximilian",
         "Marie", "Jan", "Katrin"),
        ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Hoffmann", "Wagner",
         "Schulz", "Koch"),
        ("Hauptstraße", "Bahnhofstraße", "Gartenstraße", "Lindenallee", "Schillerstraße"),
        (("Berlin", "10115"), ("Hamburg", "20095"), ("München", "80331"), ("Köln", "50667"),
         ("Leipzig", "04109")),
        ("Sparkasse", "Deutsche Bank", "Commerzbank", "ING"),
    ),
    Country(
        "NL", "nl", "EUR", 11, "+31 6",
        ("Sanne", "Femke", "Lotte", "Daan", "Sem", "Bram", "Ruben", "Fleur", "Thijs"),
        ("de Jong", "Jansen", "de Vries", "van Dijk", "Bakker", "Visser", "Smit", "Mulder"),
        ("Kerkstraat", "Dorpsstraat", "Prinsengracht", "Molenweg"),
        (("Amsterdam", "1015 CJ"), ("Utrecht", "3511 AB"), ("Rotterdam", "3011 AA"),
         ("Groningen", "9711 AA")),
        ("ING", "Rabobank", "ABN AMRO"),
    ),
    Country(
        "FR", "fr", "EUR", 8, "+33 6",
        ("Camille", "Léa", "Chloé", "Manon", "Louis", "Hugo", "Lucas", "Jules", "Élise"),
        ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand"),
        ("Rue de la République", "Avenue Victor Hugo", "Rue du Moulin", "Boulevard Voltaire"),
        (("Paris", "75011"), ("Lyon", "69002"), ("Nantes", "44000"), ("Lille", "59000")),
        ("BNP Paribas", "Crédit Agricole", "Société Générale"),
    ),
    Country(
        "ES", "es", "EUR", 6, "+34 6",
        ("Lucía", "Sofía", "Martina", "Carmen", "Hugo", "Pablo", "Alejandro", "Javier"),
        ("García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez"),
        ("Calle Mayor", "Gran Vía", "Calle del Sol", "Avenida de la Paz"),
        (("Madrid", "28013"), ("Barcelona", "08002"), ("Valencia", "46001"),
         ("Sevilla", "41001")),
        ("Santander", "BBVA", "CaixaBank"),
    ),
    Country(
        "IE", "en", "EUR", 5, "+353 87",
        ("Aoife", "Siobhán", "Ciara", "Niamh", "Seán", "Conor", "Cian", "Liam"),
        ("Murphy", "Kelly", "O'Sullivan", "Walsh", "O'Brien", "Byrne", "Ryan"),
        ("Main Street", "Church Road", "Harbour View", "Grafton Street"),
        (("Dublin", "D02 X285"), ("Cork", "T12 RX2C"), ("Galway", "H91 E2K3")),
        ("AIB", "Bank of Ireland"),
    ),
)


@dataclass(frozen=True)
class Merchant:
    """A shop that sells with pay-later at checkout."""

    id: str
    name: str
    category: str
    country: str
    currency: str


MERCHANTS: tuple[Merchant, ...] = (
    Merchant("m-nordlys", "Nordlys Sport", "sport", "SE", "SEK"),
    Merchant("m-kvarn", "Kvarnen Hem & Design", "home", "SE", "SEK"),
    Merchant("m-sodermode", "Södermode", "fashion", "SE", "SEK"),
    Merchant("m-blixt", "Blixt Elektronik", "electronics", "SE", "SEK"),
    Merchant("m-lillstrumpa", "Lillstrumpa Barn", "kids", "SE", "SEK"),
    Merchant("m-rosenlund", "Rosenlund Skönhet", "beauty", "SE", "SEK"),
    Merchant("m-fjordline", "Fjordline Outdoor", "sport", "FI", "EUR"),
    Merchant("m-sauna", "Saunatalo Home", "home", "FI", "EUR"),
    Merchant("m-tonwerk", "Tonwerk Audio", "electronics", "DE", "EUR"),
    Merchant("m-stoffwerk", "Stoffwerk Berlin", "fashion", "DE", "EUR"),
    Merchant("m-kinderhaus", "Kinderhaus Spielwaren", "kids", "DE", "EUR"),
    Merchant("m-grachten", "Grachten Fietsen", "sport", "NL", "EUR"),
    Merchant("m-tulp", "Tulp Wonen", "home", "NL", "EUR"),
    Merchant("m-maison", "Maison Lumière", "beauty", "FR", "EUR"),
    Merchant("m-atelier", "Atelier Rive Gauche", "fashion", "FR", "EUR"),
    Merchant("m-sol", "Sol y Mar Moda", "fashion", "ES", "EUR"),
    Merchant("m-pixel", "PixelPunkt Electronics", "electronics", "DE", "EUR"),
    Merchant("m-emerald", "Emerald Home Store", "home", "IE", "EUR"),
)

# (description, lowest price, highest price) in EUR; SEK prices are about eleven times these.
GOODS: dict[str, tuple[tuple[str, int, int], ...]] = {
    "sport": (("Running shoes", 70, 180), ("Bike helmet", 40, 120), ("Ski jacket", 120, 380),
              ("City bike", 450, 1200), ("Yoga mat", 20, 60)),
    "home": (("Coffee machine", 90, 600), ("Linen bedding set", 60, 180),
             ("Oak dining chair", 120, 340), ("Floor lamp", 70, 260), ("Rug", 90, 420)),
    "fashion": (("Winter coat", 120, 380), ("Sneakers", 50, 160), ("Wool sweater", 45, 140),
                ("Jeans", 40, 120), ("Leather bag", 90, 320)),
    "electronics": (("Wireless headphones", 60, 350), ("Laptop", 650, 1800),
                    ("Television", 400, 1600), ("Smartwatch", 150, 450),
                    ("Bluetooth speaker", 40, 220)),
    "kids": (("Stroller", 250, 900), ("Car seat", 150, 450), ("Building blocks", 20, 110),
             ("Winter overall", 40, 120)),
    "beauty": (("Skincare set", 25, 120), ("Hair dryer", 40, 280), ("Perfume", 45, 150)),
}

SEK_PER_EUR = 11
