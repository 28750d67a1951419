"""The demo group's family beach resort on Pantai Cenang, Langkawi, Malaysia, as plain data.

Malay and English first (Malaysia's language and the island's lingua franca), then Arabic
(families from the Gulf are among Langkawi's most frequent guests, drawn by halal food and
the school-holiday calendar) and Russian (a large share of the island's long-haul visitors).
Prices are sen (1/100 ringgit): 6000 is RM 60.00. Times are local (Asia/Kuala_Lumpur).
The same shape as ``app.seed.catalog_data``; the translations are ``ms.py``, ``ar.py``, ``ru.py``.
"""

from __future__ import annotations

from app.seed.texts import Translations

EVERY_DAY = [0, 1, 2, 3, 4, 5, 6]
TRANSLATIONS = Translations(__name__, ("ms", "ar", "ru"))

HOTEL = {
    "slug": "langkawi",
    "name": "Cenang Bay Family Resort",
    "currency": "MYR",
    "timezone": "Asia/Kuala_Lumpur",
    "default_locale": "ms",
    "enabled_locales": ["ms", "en", "ar", "ru"],
    "large_family_min_children": 3,
    "large_family_discount_percent": 10,
    "brand_color": "#0b6270",  # lagoon teal: 7.0:1 with white text
    "accent_color": "#f4a259",  # sand at sunset: 7.2:1 with the ink colour (#1d2a24)
    "contact_email": "hello@cenangbay.example.com",
    "contact_phone": "+60 4-955 0100",
    "address": "Jalan Pantai Cenang, 07000 Langkawi, Kedah, Malaysia",
    "house_rules": "Quiet hours from 23:00 to 07:00. No smoking indoors or on the beach loungers. Lifeguards watch "
    "the pools from 08:00 to 19:00; children under 12 swim with an adult. Check-out by 12:00.",
    "legal_name": "Cenang Bay Resort Sdn. Bhd.",
    "privacy_email": "privacy@cenangbay.example.com",
}
HOSTS = ["langkawi.localhost"]
ROOMS = [*range(101, 131), *range(201, 231)]

STAYS = [
    {
        "room": "212",
        "surname": "Rahman",
        "first_name": "Aisyah",
        "email": "aisyah.rahman@example.com",
        "locale": "ms",
        "arrival": -2,
        "departure": 3,
        "adults": 2,
        "children_ages": [3, 7],
        "checked_in": True,
    },
    {
        "room": "127",
        "surname": "Smirnova",
        "first_name": "Olga",
        "email": "olga.smirnova@example.com",
        "locale": "ru",
        "arrival": -1,
        "departure": 6,
        "adults": 2,
        "children_ages": [],
        "checked_in": True,
    },
    {
        "room": "226",
        "surname": "Al-Mansouri",
        "first_name": "Khalid",
        "email": "khalid.almansouri@example.com",
        "locale": "ar",
        "arrival": 3,
        "departure": 8,
        "adults": 2,
        "children_ages": [5, 10, 13],
        "tier": "gold",
    },
]

POOLS = [
    {"code": "cribs", "name": "Baby cribs", "capacity": 6, "mode": "daily"},
    {"code": "strollers", "name": "Beach strollers", "capacity": 6, "mode": "daily"},
    {
        "code": "kids_club",
        "name": "Kids' club beach hut",
        "capacity": 20,
        "mode": "sessions",
        "schedule": [{"weekdays": EVERY_DAY, "times": ["09:00", "14:00"], "minutes": 180}],
    },
    {
        "code": "sitters",
        "name": "Babysitters",
        "capacity": 4,
        "mode": "sessions",
        "schedule": [{"weekdays": EVERY_DAY, "times": ["19:00"], "minutes": 240}],
    },
    {
        "code": "splash_pool",
        "name": "Splash pool with slides",
        "capacity": 15,
        "mode": "sessions",
        "schedule": [{"weekdays": EVERY_DAY, "times": ["09:00", "11:00", "15:00", "17:00"], "minutes": 60}],
    },
    {
        "code": "van",
        "name": "Resort van (10 seats)",
        "capacity": 10,
        "mode": "sessions",
        "schedule": [
            {"weekdays": EVERY_DAY, "times": ["08:00", "11:00", "14:00", "17:00", "20:00"], "minutes": 30}
        ],
    },
    {
        "code": "boats",
        "name": "Tour boats (2 boats, 24 seats)",
        "capacity": 24,
        "mode": "sessions",
        "schedule": [{"weekdays": EVERY_DAY, "times": ["09:00", "14:00"], "minutes": 240}],
    },
    {
        "code": "kayaks",
        "name": "Sea kayaks (5 double kayaks)",
        "capacity": 10,
        "mode": "sessions",
        "schedule": [{"weekdays": EVERY_DAY, "times": ["08:30", "14:30"], "minutes": 180}],
    },
    {
        "code": "cable_car",
        "name": "SkyCab ticket allotment",
        "capacity": 20,
        "mode": "sessions",
        "schedule": [{"weekdays": EVERY_DAY, "times": ["10:00", "12:00", "14:00", "16:00"], "minutes": 120}],
    },
    {
        "code": "jet_skis",
        "name": "Jet-skis (4)",
        "capacity": 4,
        "mode": "sessions",
        "schedule": [
            {"weekdays": EVERY_DAY, "times": ["10:00", "11:00", "12:00", "15:00", "16:00"], "minutes": 30}
        ],
    },
    {"code": "scooters", "name": "Rental scooters", "capacity": 12, "mode": "daily"},
    {
        "code": "speedboat",
        "name": "Speedboat to Pulau Payar (20 seats)",
        "capacity": 20,
        "mode": "sessions",
        "schedule": [{"weekdays": [0, 2, 4, 5, 6], "times": ["08:00"], "minutes": 420}],
    },
    {
        "code": "spa",
        "name": "Spa treatment rooms (4)",
        "capacity": 4,
        "mode": "sessions",
        "schedule": [
            {
                "weekdays": EVERY_DAY,
                "times": ["10:00", "11:30", "14:00", "15:30", "17:00", "19:00"],
                "minutes": 60,
            }
        ],
    },
]

PACKAGES = [
    {
        "code": "family",
        "audience": "family",
        "title": "Family",
        "summary": "Beach days with children made easy: a crib, a kids' club, a splash pool and a sitter at night.",
        "services": [
            "crib",
            "stroller",
            "kids_club",
            "splash_pool",
            "babysitting",
            "island_hopping",
            "airport_transfer",
        ],
    },
    {
        "code": "outdoor",
        "audience": "outdoor",
        "title": "Outdoor activities",
        "summary": "Islands, mangroves and the cable car: tours, jet-skis and a scooter to explore the island.",
        "services": [
            "airport_transfer",
            "island_hopping",
            "mangrove_kayak",
            "cable_car",
            "jet_ski",
            "scooter_rental",
        ],
    },
    {
        "code": "nature",
        "audience": "nature",
        "title": "Nature",
        "summary": "Coral reefs, eagles over the mangroves, fishing at dusk and a Malay massage to end the day.",
        "services": ["snorkelling", "eagle_watching", "mangrove_fishing", "mangrove_kayak", "spa"],
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
        "summary": "A crib with a mosquito net and fresh bedding, free of charge.",
        "description": "Housekeeping sets up a crib with a new mattress, cotton bedding and a mosquito net before you "
        "return to your room. For babies up to 2 years.",
        "lead_time_minutes": 120,
        "cancel_window_hours": 0,
    },
    {
        "code": "stroller",
        "kind": "rental",
        "pool": "strollers",
        "tags": ["kids", "rental"],
        "title": "Beach stroller rental",
        "summary": "A stroller with wide wheels for the sand, per day.",
        "description": "A light stroller with wide wheels, a sunshade and a rain cover. Collect it at the front desk.",
        "price_unit": 2000,
        "lead_time_minutes": 60,
        "cancel_window_hours": 2,
    },
    {
        "code": "kids_club",
        "kind": "slot",
        "pool": "kids_club",
        "tags": ["kids", "outdoor"],
        "title": "Kids' club: sandcastles, crafts and games",
        "summary": "Three hours with our animators for ages 4 to 12.",
        "description": "Sandcastle contests, shell crafts, treasure hunts and a shady nap corner in the beach hut. "
        "Sunscreen and water are provided.",
        "price_child": 6000,
        "min_age": 4,
        "max_age": 12,
        "duration_minutes": 180,
        "lead_time_minutes": 60,
        "cancel_window_hours": 4,
    },
    {
        "code": "splash_pool",
        "kind": "slot",
        "pool": "splash_pool",
        "tags": ["kids", "outdoor", "sport"],
        "title": "Kids' splash pool with slides",
        "summary": "An hour in the shallow pool with slides and a lifeguard, free for guests.",
        "description": "The shaded splash pool is 40 cm deep with two slides and water jets. Children under 8 swim "
        "with a parent.",
        "duration_minutes": 60,
        "cancel_window_hours": 1,
    },
    {
        "code": "babysitting",
        "kind": "slot",
        "pool": "sitters",
        "tags": ["kids", "indoor"],
        "title": "Evening babysitting",
        "summary": "A trained sitter in your room from 19:00 to 23:00.",
        "description": "Our sitters hold first-aid certificates and speak Malay and English. They play, read and put "
        "the children to bed in your room.",
        "price_child": 15000,
        "min_age": 1,
        "max_age": 12,
        "duration_minutes": 240,
        "lead_time_minutes": 240,
        "cancel_window_hours": 6,
        "needs_approval": True,
    },
    {
        "code": "airport_transfer",
        "kind": "slot",
        "pool": "van",
        "tags": ["transfer"],
        "title": "Langkawi airport transfer",
        "summary": "The resort van to or from the airport, child seats on request.",
        "description": "The airport is ten minutes away. Tell us your flight when you book; child seats are free and "
        "children under 4 ride free.",
        "price_adult": 3000,
        "price_child": 1500,
        "free_under_age": 4,
        "duration_minutes": 30,
        "lead_time_minutes": 180,
        "cancel_window_hours": 12,
    },
    # Outdoor activities
    {
        "code": "island_hopping",
        "kind": "slot",
        "pool": "boats",
        "tags": ["excursion", "outdoor"],
        "title": "Island hopping: Pregnant Maiden Lake and Beras Basah",
        "summary": "Four hours by boat to three islands, life jackets included.",
        "description": "Swim in the freshwater Pregnant Maiden Lake on Pulau Dayang Bunting, watch eagles being fed "
        "and relax on the white sand of Pulau Beras Basah. Children under 3 go free.",
        "price_adult": 5000,
        "price_child": 3500,
        "free_under_age": 3,
        "duration_minutes": 240,
        "lead_time_minutes": 720,
        "cancel_window_hours": 24,
    },
    {
        "code": "mangrove_kayak",
        "kind": "slot",
        "pool": "kayaks",
        "tags": ["excursion", "outdoor", "sport"],
        "title": "Mangrove kayak tour",
        "summary": "Paddle through the Kilim mangroves with a guide, ages 7 and up.",
        "description": "Three hours in double kayaks through quiet mangrove channels, limestone caves and bat "
        "colonies. No experience needed; transport from the resort included.",
        "price_adult": 18000,
        "price_child": 12000,
        "min_age": 7,
        "duration_minutes": 180,
        "lead_time_minutes": 720,
        "cancel_window_hours": 24,
        "late_cancel_fee_percent": 50,
    },
    {
        "code": "cable_car",
        "kind": "slot",
        "pool": "cable_car",
        "tags": ["excursion", "outdoor"],
        "title": "SkyCab cable car and Sky Bridge tickets",
        "summary": "Skip the queue up Mount Mat Cincang at the time you choose.",
        "description": "The cable car climbs to 700 m above the Andaman Sea; walk the curved Sky Bridge at the top. "
        "Children under 3 go free.",
        "price_adult": 8500,
        "price_child": 6500,
        "free_under_age": 3,
        "duration_minutes": 120,
        "lead_time_minutes": 60,
        "cancel_window_hours": 24,
    },
    {
        "code": "jet_ski",
        "kind": "slot",
        "pool": "jet_skis",
        "tags": ["outdoor", "sport"],
        "title": "Jet-ski ride",
        "summary": "Thirty minutes along Pantai Cenang, 16 and over.",
        "description": "A short briefing, a life jacket and half an hour on the water inside the marked zone, with an "
        "instructor nearby.",
        "price_adult": 18000,
        "price_child": 18000,
        "min_age": 16,
        "duration_minutes": 30,
        "lead_time_minutes": 120,
        "cancel_window_hours": 6,
        "late_cancel_fee_percent": 100,
    },
    {
        "code": "scooter_rental",
        "kind": "rental",
        "pool": "scooters",
        "tags": ["rental", "outdoor"],
        "title": "Scooter rental",
        "summary": "A 110 cc automatic scooter with two helmets, per day.",
        "description": "Full tank, two helmets and a map of the island's beaches. A motorbike licence is required.",
        "price_unit": 4000,
        "lead_time_minutes": 120,
        "cancel_window_hours": 12,
    },
    # Nature
    {
        "code": "snorkelling",
        "kind": "slot",
        "pool": "speedboat",
        "tags": ["excursion", "outdoor", "sport"],
        "title": "Snorkelling at Pulau Payar Marine Park",
        "summary": "A day on the coral reef with masks, fins and lunch, ages 5 and up.",
        "description": "A speedboat takes you to the marine park to snorkel among reef fish and baby sharks. Masks, "
        "fins, life jackets, park fees and a picnic lunch included.",
        "price_adult": 28000,
        "price_child": 20000,
        "min_age": 5,
        "duration_minutes": 420,
        "lead_time_minutes": 1440,
        "cancel_window_hours": 24,
        "late_cancel_fee_percent": 50,
    },
    {
        "code": "eagle_watching",
        "kind": "slot",
        "pool": "boats",
        "tags": ["outdoor", "animals"],
        "title": "Eagle watching in the Kilim mangroves",
        "summary": "A boat trip to see sea eagles and kites up close.",
        "description": "Our boatman takes you along the mangrove river where brahminy kites and white-bellied sea "
        "eagles circle overhead, with a stop at a fish farm. Children under 3 go free.",
        "price_adult": 6000,
        "price_child": 4000,
        "free_under_age": 3,
        "duration_minutes": 180,
        "lead_time_minutes": 720,
        "cancel_window_hours": 24,
    },
    {
        "code": "mangrove_fishing",
        "kind": "slot",
        "pool": "boats",
        "tags": ["outdoor", "sport"],
        "title": "Mangrove fishing trip",
        "summary": "Four hours of fishing with a local fisherman, rods and bait included.",
        "description": "Fish for snapper and grouper at the edge of the mangroves. The kitchen will grill your catch "
        "for dinner. Ages 6 and up.",
        "price_adult": 12000,
        "price_child": 8000,
        "min_age": 6,
        "duration_minutes": 240,
        "lead_time_minutes": 720,
        "cancel_window_hours": 24,
    },
    {
        "code": "spa",
        "kind": "slot",
        "pool": "spa",
        "tags": ["wellness", "indoor"],
        "title": "Traditional Malay massage",
        "summary": "Sixty minutes with warm coconut oil and herbs, 16 and over.",
        "description": "A long-stroke urut Melayu massage with coconut oil and lemongrass, followed by ginger tea in "
        "the garden.",
        "price_adult": 22000,
        "price_child": 22000,
        "min_age": 16,
        "duration_minutes": 60,
        "lead_time_minutes": 120,
        "cancel_window_hours": 6,
    },
]
