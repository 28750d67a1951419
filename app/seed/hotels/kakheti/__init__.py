"""The demo group's mountain hotel on the Gombori range above Telavi, Kakheti, Georgia, as plain data.

Georgian and Russian first (the country's language, and the one most of its visitors from the
region share), then English. Prices are tetri (1/100 lari): 9000 is 90.00 ₾. Times are local
(Asia/Tbilisi). The same shape as ``app.seed.catalog_data``; translations in ``ka.py``, ``ru.py``.
"""

from __future__ import annotations

from app.seed.texts import Translations

EVERY_DAY = [0, 1, 2, 3, 4, 5, 6]
TRANSLATIONS = Translations(__name__, ("ka", "ru"))

HOTEL = {
    "slug": "kakheti",
    "name": "Gombori Mountain Hotel",
    "currency": "GEL",
    "timezone": "Asia/Tbilisi",
    "default_locale": "ka",
    "enabled_locales": ["ka", "ru", "en"],
    "large_family_min_children": 3,
    "large_family_discount_percent": 15,
    "brand_color": "#7a1f2b",  # saperavi red: 10.2:1 with white text
    "accent_color": "#e0b04c",  # autumn vine gold: 7.4:1 with the ink colour (#1d2a24)
    "contact_email": "info@gombori.example.com",
    "contact_phone": "+995 350 27 10 10",
    "address": "Gombori Pass road, Telavi Municipality, Kakheti, Georgia",
    "house_rules": "Quiet hours from 23:00 to 08:00. Smoking only by the fire pit. Wine tastings are for guests "
    "18 and over. Check-out by 12:00.",
    "legal_name": "Gombori Mountain Hotel LLC",
    "privacy_email": "privacy@gombori.example.com",
}
HOSTS = ["kakheti.localhost"]
ROOMS = [*range(101, 113), *range(201, 213)]

STAYS = [
    {
        "room": "104",
        "surname": "Beridze",
        "first_name": "Nino",
        "email": "nino.beridze@example.com",
        "locale": "ka",
        "arrival": -1,
        "departure": 4,
        "adults": 2,
        "children_ages": [5, 8],
        "checked_in": True,
    },
    {
        "room": "207",
        "surname": "Volkov",
        "first_name": "Dmitry",
        "email": "dmitry.volkov@example.com",
        "locale": "ru",
        "arrival": 2,
        "departure": 6,
        "adults": 2,
        "children_ages": [],
        "tier": "silver",
    },
]

POOLS = [
    {"code": "cribs", "name": "Baby cribs", "capacity": 4, "mode": "daily"},
    {
        "code": "sitters",
        "name": "Babysitters",
        "capacity": 3,
        "mode": "sessions",
        "schedule": [{"weekdays": EVERY_DAY, "times": ["19:00"], "minutes": 240}],
    },
    {
        "code": "kids_club",
        "name": "Kids' club room",
        "capacity": 12,
        "mode": "sessions",
        "schedule": [{"weekdays": EVERY_DAY, "times": ["10:00", "15:00"], "minutes": 150}],
    },
    {
        "code": "farm",
        "name": "Mini-farm",
        "capacity": 15,
        "mode": "sessions",
        "schedule": [{"weekdays": EVERY_DAY, "times": ["08:00", "10:30", "16:00"], "minutes": 60}],
    },
    {
        "code": "van",
        "name": "Hotel minibus (8 seats)",
        "capacity": 8,
        "mode": "sessions",
        "schedule": [{"weekdays": EVERY_DAY, "times": ["10:00", "15:00"], "minutes": 120}],
    },
    {
        "code": "guides",
        "name": "Mountain guides",
        "capacity": 4,
        "mode": "sessions",
        "schedule": [{"weekdays": EVERY_DAY, "times": ["08:00"], "minutes": 360}],
    },
    {
        "code": "cellar",
        "name": "Marani wine cellar (16 places)",
        "capacity": 16,
        "mode": "sessions",
        "schedule": [{"weekdays": [1, 2, 3, 4, 5, 6], "times": ["12:00", "17:00"], "minutes": 120}],
    },
    {
        "code": "supra_hall",
        "name": "Supra hall",
        "capacity": 40,
        "mode": "events",
        "events": [
            {"day_offset": day, "time": "19:30", "minutes": 180} for day in (2, 5, 9, 12, 16, 19, 23, 26)
        ],
    },
    {
        "code": "stable",
        "name": "Stable (8 horses)",
        "capacity": 8,
        "mode": "sessions",
        "schedule": [{"weekdays": EVERY_DAY, "times": ["09:00", "11:30", "15:00", "17:00"], "minutes": 120}],
    },
    {
        "code": "sauna",
        "name": "Wood-fired sauna",
        "capacity": 6,
        "mode": "sessions",
        "schedule": [{"weekdays": EVERY_DAY, "times": ["17:00", "18:30", "20:00"], "minutes": 90}],
    },
    {
        "code": "river",
        "name": "Fishing spots on the stream",
        "capacity": 8,
        "mode": "sessions",
        "schedule": [{"weekdays": EVERY_DAY, "times": ["07:00", "16:00"], "minutes": 180}],
    },
]

PACKAGES = [
    {
        "code": "family",
        "audience": "family",
        "title": "Family",
        "summary": "Mountain holidays with children: a crib, a kids' club, lambs on the mini-farm and a sitter at night.",
        "services": ["crib", "kids_club", "mini_farm", "babysitting", "tbilisi_transfer"],
    },
    {
        "code": "outdoor",
        "audience": "outdoor",
        "title": "Outdoor activities",
        "summary": "From Tbilisi to the high meadows: transfers, trekking, a wine cellar and a Georgian feast.",
        "services": ["tbilisi_transfer", "trekking_guide", "wine_cellar", "supra_evening"],
    },
    {
        "code": "nature",
        "audience": "nature",
        "title": "Nature",
        "summary": "Horses in the Caucasus foothills, trout in the stream, a sauna under the beeches and the farm.",
        "services": ["horse_riding", "fishing", "sauna", "mini_farm", "trekking_guide"],
    },
]

SERVICES = [
    # Family
    {
        "code": "crib",
        "kind": "amenity",
        "pool": "cribs",
        "tags": ["kids", "indoor"],
        "title": "Baby crib in your room",
        "summary": "A wooden crib with fresh bedding, free of charge.",
        "description": "Housekeeping sets up a wooden crib with a new mattress and warm bedding before you return to "
        "your room. For babies up to 2 years.",
        "lead_time_minutes": 120,
        "cancel_window_hours": 0,
    },
    {
        "code": "kids_club",
        "kind": "slot",
        "pool": "kids_club",
        "tags": ["kids", "indoor"],
        "title": "Kids' club: games, crafts and churchkhela",
        "summary": "Two and a half hours of play for ages 4 to 12.",
        "description": "Our animators run games in the garden, felt and clay crafts, and show the children how to make "
        "churchkhela, the walnut-and-grape sweet of Kakheti.",
        "price_child": 2500,
        "min_age": 4,
        "max_age": 12,
        "duration_minutes": 150,
        "lead_time_minutes": 60,
        "cancel_window_hours": 4,
    },
    {
        "code": "mini_farm",
        "kind": "slot",
        "pool": "farm",
        "tags": ["kids", "outdoor", "animals"],
        "title": "Mini-farm: lambs, goats and a donkey",
        "summary": "Feed the animals and collect eggs with the farmer.",
        "description": "An hour on the hotel's farm: bottle-feed the lambs, brush the donkey and collect eggs for "
        "breakfast. Children under 3 go free.",
        "price_adult": 1500,
        "price_child": 1000,
        "free_under_age": 3,
        "duration_minutes": 60,
        "lead_time_minutes": 60,
        "cancel_window_hours": 4,
    },
    {
        "code": "babysitting",
        "kind": "slot",
        "pool": "sitters",
        "tags": ["kids", "indoor"],
        "title": "Evening babysitting",
        "summary": "A trained sitter in your room from 19:00 to 23:00.",
        "description": "Our sitters hold first-aid certificates and speak Georgian, Russian and English. They play, "
        "read and put the children to bed in your room.",
        "price_child": 6000,
        "min_age": 1,
        "max_age": 12,
        "duration_minutes": 240,
        "lead_time_minutes": 240,
        "cancel_window_hours": 6,
        "needs_approval": True,
    },
    {
        "code": "tbilisi_transfer",
        "kind": "slot",
        "pool": "van",
        "tags": ["transfer"],
        "title": "Transfer from Tbilisi or its airport",
        "summary": "The hotel minibus over the Gombori pass, about two hours.",
        "description": "We collect you in Tbilisi or at the airport and drive over the pass with a stop at a viewpoint. "
        "Child seats are free; children under 4 ride free.",
        "price_adult": 6000,
        "price_child": 3000,
        "free_under_age": 4,
        "duration_minutes": 120,
        "lead_time_minutes": 1440,
        "cancel_window_hours": 24,
    },
    # Outdoor activities
    {
        "code": "trekking_guide",
        "kind": "slot",
        "pool": "guides",
        "tags": ["excursion", "outdoor", "sport"],
        "title": "Trekking with a mountain guide",
        "summary": "Six hours through beech forest to the high meadows, ages 8 and up.",
        "description": "Your guide leads the way to the ridge above the Alazani valley, with the Caucasus on the "
        "horizon, and a picnic of bread, cheese and herbs. Wear walking boots.",
        "price_adult": 12000,
        "price_child": 6000,
        "min_age": 8,
        "duration_minutes": 360,
        "lead_time_minutes": 720,
        "cancel_window_hours": 24,
        "late_cancel_fee_percent": 50,
    },
    {
        "code": "wine_cellar",
        "kind": "slot",
        "pool": "cellar",
        "tags": ["excursion", "food"],
        "title": "Wine-cellar excursion with a qvevri tasting",
        "summary": "A family marani near Telavi and five wines, adults only (18+).",
        "description": "See how Kakhetian wine is made in clay qvevri buried in the ground, then taste five wines with "
        "bread and cheese. Guests must be 18 or over.",
        "price_adult": 7000,
        "min_age": 18,
        "duration_minutes": 120,
        "lead_time_minutes": 240,
        "cancel_window_hours": 12,
    },
    {
        "code": "supra_evening",
        "kind": "ticket",
        "pool": "supra_hall",
        "tags": ["event", "food", "indoor"],
        "title": "Ticket: supra feast with polyphonic singing",
        "summary": "A Georgian feast led by a tamada, with a village choir.",
        "description": "Mtsvadi, khinkali and Kakhetian dishes, toasts by the tamada and a choir singing Georgian "
        "polyphonic songs. Children under 6 go free.",
        "price_adult": 9000,
        "price_child": 4000,
        "free_under_age": 6,
        "duration_minutes": 180,
        "lead_time_minutes": 240,
        "cancel_window_hours": 24,
    },
    # Nature
    {
        "code": "horse_riding",
        "kind": "slot",
        "pool": "stable",
        "tags": ["outdoor", "animals", "sport"],
        "title": "Horse riding in the Caucasus foothills",
        "summary": "A guided two-hour ride through forest and meadows, ages 8 and up.",
        "description": "Calm mountain horses and an experienced guide on trails above the hotel. Helmets provided; wear "
        "long trousers and closed shoes.",
        "price_adult": 9000,
        "price_child": 7000,
        "min_age": 8,
        "duration_minutes": 120,
        "lead_time_minutes": 120,
        "cancel_window_hours": 24,
        "late_cancel_fee_percent": 100,
    },
    {
        "code": "sauna",
        "kind": "slot",
        "pool": "sauna",
        "tags": ["wellness", "indoor"],
        "title": "Wood-fired sauna and herbal bath",
        "summary": "Ninety minutes of heat, a cold plunge and mountain herb tea, ages 12 and up.",
        "description": "The sauna under the beeches is fired with oak; afterwards soak in a tub of thyme and mint from "
        "the meadows.",
        "price_adult": 5000,
        "price_child": 3000,
        "min_age": 12,
        "duration_minutes": 90,
        "lead_time_minutes": 60,
        "cancel_window_hours": 6,
    },
    {
        "code": "fishing",
        "kind": "slot",
        "pool": "river",
        "tags": ["outdoor", "sport"],
        "title": "Trout fishing in the mountain stream",
        "summary": "Three hours with rods, bait and a guide, ages 6 and up.",
        "description": "Fish for brown trout in the clear stream below the hotel. The kitchen will grill your catch "
        "with tarragon for dinner.",
        "price_adult": 4000,
        "price_child": 2500,
        "min_age": 6,
        "duration_minutes": 180,
        "lead_time_minutes": 120,
        "cancel_window_hours": 12,
    },
]
