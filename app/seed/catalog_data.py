"""The demo hotel's catalog as plain data: a highland lodge near Đà Lạt, Vietnam.

Prices are integer minor units of the hotel currency (VND has none below the đồng,
so 650000 means 650.000 ₫). Times are local to the hotel. ``weekdays`` follow
``date.weekday()``: 0 is Monday.
"""

from __future__ import annotations

EVERY_DAY = [0, 1, 2, 3, 4, 5, 6]

HOTEL = {
    "slug": "langbiang",
    "name": {"en": "Langbiang Highland Lodge", "vi": "Langbiang Highland Lodge"},
    "currency": "VND",
    "timezone": "Asia/Ho_Chi_Minh",
    "default_locale": "en",
    "enabled_locales": ["en", "vi"],
    "large_family_min_children": 3,
    "large_family_discount_percent": 10,
}

# Capacity is counted in people for sessions and events, in units for daily pools.
POOLS = [
    {
        "code": "stable",
        "name": {"en": "Stable (6 horses and ponies)", "vi": "Chuồng ngựa (6 ngựa và ngựa lùn)"},
        "capacity": 6,
        "mode": "sessions",
        "schedule": [{"weekdays": EVERY_DAY, "times": ["08:00", "10:00", "14:00", "16:00"], "minutes": 90}],
    },
    {
        "code": "van",
        "name": {"en": "Shuttle van (12 seats)", "vi": "Xe đưa đón (12 chỗ)"},
        "capacity": 12,
        "mode": "sessions",
        "schedule": [{"weekdays": EVERY_DAY, "times": ["07:00", "11:00", "15:00", "19:00"], "minutes": 75}],
    },
    {
        "code": "tour_bus",
        "name": {"en": "Excursion bus (24 seats)", "vi": "Xe tham quan (24 chỗ)"},
        "capacity": 24,
        "mode": "sessions",
        "schedule": [{"weekdays": [0, 2, 4, 5], "times": ["08:30"], "minutes": 480}],
    },
    {
        "code": "guides",
        "name": {"en": "Private guides", "vi": "Hướng dẫn viên riêng"},
        "capacity": 6,
        "mode": "sessions",
        "schedule": [{"weekdays": EVERY_DAY, "times": ["08:00", "13:30"], "minutes": 240}],
    },
    {
        "code": "kids_club",
        "name": {"en": "Kids' club room", "vi": "Phòng câu lạc bộ trẻ em"},
        "capacity": 15,
        "mode": "sessions",
        "schedule": [{"weekdays": EVERY_DAY, "times": ["09:00", "14:30"], "minutes": 180}],
    },
    {
        "code": "kids_pool",
        "name": {"en": "Heated kids' pool", "vi": "Hồ bơi nước ấm cho trẻ em"},
        "capacity": 12,
        "mode": "sessions",
        "schedule": [{"weekdays": EVERY_DAY, "times": ["09:00", "11:00", "15:00", "17:00"], "minutes": 60}],
    },
    {
        "code": "playground",
        "name": {"en": "Adventure playground", "vi": "Sân chơi phiêu lưu"},
        "capacity": 20,
        "mode": "sessions",
        "schedule": [{"weekdays": EVERY_DAY, "times": ["09:30", "15:30"], "minutes": 120}],
    },
    {
        "code": "sitters",
        "name": {"en": "Babysitters", "vi": "Người trông trẻ"},
        "capacity": 6,
        "mode": "sessions",
        "schedule": [{"weekdays": EVERY_DAY, "times": ["18:00"], "minutes": 240}],
    },
    {
        "code": "doctor",
        "name": {"en": "Paediatrician's surgery", "vi": "Phòng khám nhi"},
        "capacity": 2,
        "mode": "sessions",
        "schedule": [
            {"weekdays": [0, 1, 2, 3, 4, 5], "times": ["10:00", "10:30", "16:00", "16:30"], "minutes": 30}
        ],
    },
    {
        "code": "kids_corner",
        "name": {"en": "Restaurant kids' corner", "vi": "Góc trẻ em trong nhà hàng"},
        "capacity": 24,
        "mode": "sessions",
        "schedule": [{"weekdays": EVERY_DAY, "times": ["11:30", "17:30", "19:00"], "minutes": 90}],
    },
    {
        "code": "kids_party",
        "name": {"en": "Garden pavilion", "vi": "Nhà vườn"},
        "capacity": 20,
        "mode": "events",
        "events": [
            {"day_offset": day, "time": "18:30", "minutes": 120} for day in (2, 6, 9, 13, 16, 20, 23, 27)
        ],
    },
    {
        "code": "pine_bar",
        "name": {"en": "Pine Bar dance floor", "vi": "Sàn nhảy Pine Bar"},
        "capacity": 80,
        "mode": "events",
        "events": [{"day_offset": day, "time": "21:00", "minutes": 180} for day in (3, 10, 17, 24)],
    },
    {
        "code": "gong_hall",
        "name": {"en": "Village gong house", "vi": "Nhà rông làng"},
        "capacity": 40,
        "mode": "events",
        "events": [
            {"day_offset": day, "time": "19:30", "minutes": 90} for day in (1, 4, 8, 11, 15, 18, 22, 25, 29)
        ],
    },
    {
        "code": "cribs",
        "name": {"en": "Baby cribs", "vi": "Nôi em bé"},
        "capacity": 8,
        "mode": "daily",
    },
    {
        "code": "strollers",
        "name": {"en": "Strollers", "vi": "Xe đẩy em bé"},
        "capacity": 6,
        "mode": "daily",
    },
    {
        "code": "kids_gear",
        "name": {"en": "Kids' bikes and sports gear", "vi": "Xe đạp và dụng cụ thể thao trẻ em"},
        "capacity": 10,
        "mode": "daily",
    },
    {
        "code": "cars",
        "name": {"en": "Rental cars", "vi": "Ô tô cho thuê"},
        "capacity": 4,
        "mode": "daily",
    },
    {
        "code": "scooters",
        "name": {"en": "Rental scooters", "vi": "Xe máy cho thuê"},
        "capacity": 10,
        "mode": "daily",
    },
    {
        "code": "lake_pier",
        "name": {"en": "Fishing pier", "vi": "Bến câu cá"},
        "capacity": 10,
        "mode": "sessions",
        "schedule": [{"weekdays": EVERY_DAY, "times": ["06:00", "15:00"], "minutes": 180}],
    },
    {
        "code": "sauna",
        "name": {"en": "Wood-fired sauna", "vi": "Phòng xông hơi đốt củi"},
        "capacity": 8,
        "mode": "sessions",
        "schedule": [{"weekdays": EVERY_DAY, "times": ["16:00", "17:30", "19:00", "20:30"], "minutes": 75}],
    },
    {
        "code": "boats",
        "name": {"en": "Rowing boats (6 boats)", "vi": "Thuyền chèo (6 chiếc)"},
        "capacity": 12,
        "mode": "sessions",
        "schedule": [{"weekdays": EVERY_DAY, "times": ["09:00", "11:00", "14:00", "16:00"], "minutes": 60}],
    },
    {
        "code": "paintball_field",
        "name": {"en": "Paintball forest field", "vi": "Sân bắn sơn trong rừng"},
        "capacity": 16,
        "mode": "sessions",
        "schedule": [{"weekdays": [1, 3, 5, 6], "times": ["09:00", "14:00"], "minutes": 120}],
    },
    {
        "code": "farm",
        "name": {"en": "Contact zoo and mini-farm", "vi": "Vườn thú tương tác và nông trại mini"},
        "capacity": 25,
        "mode": "sessions",
        "schedule": [{"weekdays": EVERY_DAY, "times": ["07:00", "09:30", "15:30"], "minutes": 60}],
    },
]

PACKAGES = [
    {
        "code": "family",
        "audience": "family",
        "title": {"en": "Family", "vi": "Gia đình"},
        "summary": {
            "en": "Everything for travelling with children, from a crib in your room to a night of babysitting.",
            "vi": "Mọi thứ cho chuyến đi cùng con nhỏ, từ chiếc nôi trong phòng đến một buổi tối có người trông trẻ.",
        },
        "services": [
            "crib",
            "stroller",
            "kids_club",
            "kids_party",
            "kids_pool",
            "playground",
            "babysitting",
            "pediatrician",
            "kids_menu",
            "group_excursion",
            "kids_gear",
            "airport_transfer",
        ],
    },
    {
        "code": "outdoor",
        "audience": "outdoor",
        "title": {"en": "Outdoor activities", "vi": "Hoạt động ngoài trời"},
        "summary": {
            "en": "Get out and about: transfers, excursions, a night out, and wheels to explore on your own.",
            "vi": "Ra ngoài khám phá: đưa đón, tham quan, một đêm vui chơi và xe để tự do đi lại.",
        },
        "services": [
            "airport_transfer",
            "group_excursion",
            "private_excursion",
            "disco",
            "gong_show",
            "car_rental",
            "scooter_rental",
        ],
    },
    {
        "code": "nature",
        "audience": "nature",
        "title": {"en": "Nature", "vi": "Thiên nhiên"},
        "summary": {
            "en": "Pine forest, lake and farm: ride, row, fish, warm up in the sauna and meet the animals.",
            "vi": "Rừng thông, hồ nước và nông trại: cưỡi ngựa, chèo thuyền, câu cá, xông hơi và làm quen với các con vật.",
        },
        "services": [
            "fishing",
            "horse_riding",
            "pony_ride",
            "sauna",
            "boat_trip",
            "paintball",
            "contact_zoo",
            "mini_farm",
        ],
    },
]

SERVICES = [
    # Family
    {
        "code": "crib",
        "kind": "amenity",
        "pool": "cribs",
        "title": {"en": "Baby crib in your room", "vi": "Nôi em bé trong phòng"},
        "summary": {
            "en": "A wooden crib with fresh bedding, free of charge.",
            "vi": "Nôi gỗ kèm chăn ga sạch, miễn phí.",
        },
        "description": {
            "en": "Housekeeping sets up a solid wooden crib with a new mattress and cotton bedding before you "
            "return to your room. Suitable for babies up to 2 years.",
            "vi": "Bộ phận buồng phòng sẽ đặt một chiếc nôi gỗ chắc chắn với nệm mới và chăn ga cotton trước khi "
            "bạn về phòng. Phù hợp cho bé đến 2 tuổi.",
        },
        "lead_time_minutes": 120,
        "cancel_window_hours": 0,
    },
    {
        "code": "stroller",
        "kind": "rental",
        "pool": "strollers",
        "title": {"en": "Stroller rental", "vi": "Thuê xe đẩy em bé"},
        "summary": {
            "en": "A light all-terrain stroller, per day.",
            "vi": "Xe đẩy gọn nhẹ đi mọi địa hình, tính theo ngày.",
        },
        "description": {
            "en": "Foldable all-terrain stroller with a rain cover and sunshade, good on the garden paths and in town. "
            "Collect it at the front desk.",
            "vi": "Xe đẩy gấp gọn đi được mọi địa hình, có áo mưa và mái che nắng, dễ đi trên lối vườn và trong "
            "phố. Nhận xe tại quầy lễ tân.",
        },
        "price_unit": 60000,
        "lead_time_minutes": 60,
        "cancel_window_hours": 2,
    },
    {
        "code": "kids_club",
        "kind": "slot",
        "pool": "kids_club",
        "title": {"en": "Kids' club with animators", "vi": "Câu lạc bộ trẻ em cùng hoạt náo viên"},
        "summary": {
            "en": "Three hours of games, crafts and play for ages 4 to 12.",
            "vi": "Ba giờ trò chơi, thủ công và vui chơi cho bé 4–12 tuổi.",
        },
        "description": {
            "en": "Our animators run games, painting, treasure hunts and outdoor play. Parents drop off and "
            "collect at the club room next to the garden.",
            "vi": "Hoạt náo viên tổ chức trò chơi, vẽ tranh, truy tìm kho báu và vui chơi ngoài trời. Bố mẹ đưa "
            "và đón bé tại phòng câu lạc bộ cạnh khu vườn.",
        },
        "price_child": 150000,
        "min_age": 4,
        "max_age": 12,
        "duration_minutes": 180,
        "lead_time_minutes": 60,
        "cancel_window_hours": 4,
    },
    {
        "code": "kids_party",
        "kind": "ticket",
        "pool": "kids_party",
        "title": {"en": "Kids' pyjama party", "vi": "Tiệc pyjama cho bé"},
        "summary": {
            "en": "An evening party with a magician, dinner and dancing.",
            "vi": "Bữa tiệc tối với ảo thuật gia, bữa tối và khiêu vũ.",
        },
        "description": {
            "en": "Children come in pyjamas for a magic show, a kids' buffet and a mini-disco in the garden "
            "pavilion, while parents enjoy a quiet dinner.",
            "vi": "Các bé mặc pyjama đến xem ảo thuật, ăn tiệc buffet dành cho trẻ em và nhảy mini-disco tại nhà "
            "vườn, trong khi bố mẹ thưởng thức bữa tối yên tĩnh.",
        },
        "price_child": 250000,
        "min_age": 4,
        "max_age": 12,
        "duration_minutes": 120,
        "lead_time_minutes": 240,
        "cancel_window_hours": 24,
    },
    {
        "code": "kids_pool",
        "kind": "slot",
        "pool": "kids_pool",
        "title": {"en": "Heated kids' pool session", "vi": "Giờ bơi ở hồ nước ấm cho trẻ em"},
        "summary": {
            "en": "A supervised hour in the 30 °C pool, free for guests.",
            "vi": "Một giờ bơi có người giám sát ở hồ 30 °C, miễn phí cho khách.",
        },
        "description": {
            "en": "The shallow indoor pool is heated to 30 °C all year. A lifeguard is on duty; children under 8 "
            "swim with a parent.",
            "vi": "Hồ bơi trong nhà nông, được làm ấm 30 °C quanh năm. Luôn có nhân viên cứu hộ; bé dưới 8 tuổi "
            "bơi cùng bố mẹ.",
        },
        "duration_minutes": 60,
        "cancel_window_hours": 1,
    },
    {
        "code": "playground",
        "kind": "slot",
        "pool": "playground",
        "title": {"en": "Adventure playground with a supervisor", "vi": "Sân chơi phiêu lưu có người trông"},
        "summary": {
            "en": "Climbing nets, slides and a tree house in the pines.",
            "vi": "Lưới leo, cầu trượt và nhà trên cây giữa rừng thông.",
        },
        "description": {
            "en": "Two hours on the forest playground with one of our staff watching over the children. Free for "
            "guests; book so we can plan enough supervisors.",
            "vi": "Hai giờ vui chơi ở sân chơi trong rừng với nhân viên của chúng tôi trông các bé. Miễn phí cho "
            "khách; hãy đặt trước để chúng tôi bố trí đủ người trông.",
        },
        "min_age": 3,
        "max_age": 12,
        "duration_minutes": 120,
        "cancel_window_hours": 1,
    },
    {
        "code": "babysitting",
        "kind": "slot",
        "pool": "sitters",
        "title": {"en": "Evening babysitting", "vi": "Trông trẻ buổi tối"},
        "summary": {
            "en": "A trained sitter in your room from 18:00 to 22:00.",
            "vi": "Người trông trẻ được đào tạo tại phòng bạn từ 18:00 đến 22:00.",
        },
        "description": {
            "en": "Our sitters hold first-aid certificates and speak English and Vietnamese. They play, read and "
            "put the children to bed in your room.",
            "vi": "Người trông trẻ của chúng tôi có chứng chỉ sơ cứu và nói được tiếng Anh, tiếng Việt. Họ chơi, "
            "đọc truyện và ru bé ngủ ngay tại phòng bạn.",
        },
        "price_child": 200000,
        "min_age": 1,
        "max_age": 12,
        "duration_minutes": 240,
        "lead_time_minutes": 240,
        "cancel_window_hours": 6,
    },
    {
        "code": "pediatrician",
        "kind": "slot",
        "pool": "doctor",
        "title": {"en": "Pediatrician visit", "vi": "Khám bác sĩ nhi"},
        "summary": {
            "en": "A 30-minute consultation with the visiting pediatrician.",
            "vi": "Buổi khám 30 phút với bác sĩ nhi khoa.",
        },
        "description": {
            "en": "Dr. Nguyễn Thu Hà from Lâm Đồng General Hospital sees children at the lodge on weekday "
            "mornings and afternoons. In an emergency, call the front desk at any time.",
            "vi": "Bác sĩ Nguyễn Thu Hà của Bệnh viện Đa khoa Lâm Đồng khám cho trẻ tại khu nghỉ vào sáng và "
            "chiều các ngày trong tuần. Khi khẩn cấp, hãy gọi lễ tân bất cứ lúc nào.",
        },
        "price_child": 600000,
        "max_age": 16,
        "duration_minutes": 30,
        "lead_time_minutes": 60,
        "cancel_window_hours": 2,
    },
    {
        "code": "kids_menu",
        "kind": "slot",
        "pool": "kids_corner",
        "title": {"en": "Kids' menu at the restaurant", "vi": "Thực đơn trẻ em tại nhà hàng"},
        "summary": {
            "en": "A two-course meal for children, free under 3.",
            "vi": "Bữa ăn hai món cho trẻ em, miễn phí cho bé dưới 3 tuổi.",
        },
        "description": {
            "en": "Noodle soup, grilled chicken with rice, fruit and a smoothie, served in the kids' corner of "
            "the restaurant. Tell us about allergies when you book.",
            "vi": "Phở, cơm gà nướng, trái cây và sinh tố, phục vụ tại góc trẻ em trong nhà hàng. Hãy báo cho "
            "chúng tôi nếu bé bị dị ứng khi đặt.",
        },
        "price_child": 120000,
        "free_under_age": 3,
        "max_age": 12,
        "duration_minutes": 90,
        "lead_time_minutes": 60,
        "cancel_window_hours": 2,
    },
    {
        "code": "group_excursion",
        "kind": "slot",
        "pool": "tour_bus",
        "title": {
            "en": "Group excursion: Langbiang peak and Lát village",
            "vi": "Tour ghép: đỉnh Langbiang và làng Lát",
        },
        "summary": {
            "en": "A day by bus with a guide, lunch included.",
            "vi": "Một ngày đi xe buýt cùng hướng dẫn viên, có bữa trưa.",
        },
        "description": {
            "en": "Jeep up Langbiang mountain for the view over Đà Lạt, lunch in Lát village and a visit to a "
            "coffee farm. Children under 4 travel free.",
            "vi": "Đi xe jeep lên núi Langbiang ngắm toàn cảnh Đà Lạt, ăn trưa ở làng Lát và thăm một trang trại "
            "cà phê. Trẻ dưới 4 tuổi được miễn phí.",
        },
        "price_adult": 850000,
        "price_child": 450000,
        "free_under_age": 4,
        "duration_minutes": 480,
        "lead_time_minutes": 720,
        "cancel_window_hours": 24,
    },
    {
        "code": "kids_gear",
        "kind": "rental",
        "pool": "kids_gear",
        "title": {
            "en": "Kids' bike and sports equipment rental",
            "vi": "Thuê xe đạp và dụng cụ thể thao trẻ em",
        },
        "summary": {
            "en": "A kids' bike with helmet, or a set of balls and rackets, per day.",
            "vi": "Xe đạp trẻ em kèm mũ bảo hiểm, hoặc bộ bóng và vợt, tính theo ngày.",
        },
        "description": {
            "en": "Bikes in three sizes with helmets, badminton and football sets. Collect them at the sports "
            "hut by the lawn.",
            "vi": "Xe đạp ba cỡ kèm mũ bảo hiểm, bộ cầu lông và bóng đá. Nhận tại chòi thể thao cạnh bãi cỏ.",
        },
        "price_unit": 80000,
        "lead_time_minutes": 60,
        "cancel_window_hours": 2,
    },
    {
        "code": "airport_transfer",
        "kind": "slot",
        "pool": "van",
        "title": {"en": "Liên Khương airport transfer", "vi": "Đưa đón sân bay Liên Khương"},
        "summary": {
            "en": "Shared van between the lodge and the airport, child seats on request.",
            "vi": "Xe ghép giữa khu nghỉ và sân bay, có ghế trẻ em khi yêu cầu.",
        },
        "description": {
            "en": "The 12-seat van leaves the lodge at the time you choose; the drive takes about an hour. Child "
            "seats are free; children under 4 ride free.",
            "vi": "Xe 12 chỗ khởi hành từ khu nghỉ vào giờ bạn chọn; đi khoảng một giờ. Ghế trẻ em miễn phí; trẻ "
            "dưới 4 tuổi đi miễn phí.",
        },
        "price_adult": 250000,
        "price_child": 150000,
        "free_under_age": 4,
        "duration_minutes": 75,
        "lead_time_minutes": 720,
        "cancel_window_hours": 12,
    },
    # Outdoor activities
    {
        "code": "private_excursion",
        "kind": "slot",
        "pool": "guides",
        "title": {"en": "Private excursion with a guide", "vi": "Tour riêng cùng hướng dẫn viên"},
        "summary": {
            "en": "Four hours around Đà Lạt at your own pace.",
            "vi": "Bốn giờ quanh Đà Lạt theo nhịp của riêng bạn.",
        },
        "description": {
            "en": "Your own guide and car: the flower gardens, Crazy House, the railway station or waterfalls, "
            "as you like it.",
            "vi": "Hướng dẫn viên và xe riêng: vườn hoa, Biệt thự Hằng Nga, ga Đà Lạt hay các thác nước, tùy "
            "bạn chọn.",
        },
        "price_adult": 1200000,
        "price_child": 600000,
        "free_under_age": 4,
        "duration_minutes": 240,
        "lead_time_minutes": 720,
        "cancel_window_hours": 24,
    },
    {
        "code": "disco",
        "kind": "ticket",
        "pool": "pine_bar",
        "title": {"en": "Saturday disco at the Pine Bar", "vi": "Đêm disco thứ Bảy tại Pine Bar"},
        "summary": {
            "en": "DJ, dancing and one cocktail included, 16 and over.",
            "vi": "DJ, khiêu vũ và một ly cocktail, từ 16 tuổi trở lên.",
        },
        "description": {
            "en": "Our resident DJ plays until midnight under the pines. The ticket includes one cocktail or "
            "mocktail.",
            "vi": "DJ thường trú chơi nhạc đến nửa đêm dưới tán thông. Vé bao gồm một ly cocktail hoặc mocktail.",
        },
        "price_adult": 150000,
        "price_child": 150000,
        "min_age": 16,
        "duration_minutes": 180,
        "lead_time_minutes": 30,
        "cancel_window_hours": 24,
    },
    {
        "code": "gong_show",
        "kind": "ticket",
        "pool": "gong_hall",
        "title": {"en": "Ticket: Central Highlands gong show", "vi": "Vé: đêm cồng chiêng Tây Nguyên"},
        "summary": {
            "en": "Gong music, dance and rice wine by the fire.",
            "vi": "Nhạc cồng chiêng, múa và rượu cần bên bếp lửa.",
        },
        "description": {
            "en": "K'Ho musicians from Lát village play the gongs in the village gong house, followed by "
            "grilled food and rice wine. The bus leaves the lodge 30 minutes before.",
            "vi": "Nghệ nhân K'Ho làng Lát trình diễn cồng chiêng tại nhà rông, sau đó là đồ nướng và rượu cần. "
            "Xe rời khu nghỉ trước 30 phút.",
        },
        "price_adult": 350000,
        "price_child": 150000,
        "free_under_age": 6,
        "duration_minutes": 90,
        "lead_time_minutes": 120,
        "cancel_window_hours": 24,
    },
    {
        "code": "car_rental",
        "kind": "rental",
        "pool": "cars",
        "title": {"en": "Car rental", "vi": "Thuê ô tô"},
        "summary": {
            "en": "A seven-seat SUV with child seats, per day.",
            "vi": "Xe SUV bảy chỗ có ghế trẻ em, tính theo ngày.",
        },
        "description": {
            "en": "Automatic Toyota Fortuner, fuel not included. Bring your driving licence valid in Vietnam to "
            "the front desk.",
            "vi": "Toyota Fortuner số tự động, chưa gồm nhiên liệu. Vui lòng mang giấy phép lái xe có hiệu lực "
            "tại Việt Nam đến quầy lễ tân.",
        },
        "price_unit": 1400000,
        "lead_time_minutes": 1440,
        "cancel_window_hours": 24,
    },
    {
        "code": "scooter_rental",
        "kind": "rental",
        "pool": "scooters",
        "title": {"en": "Scooter rental", "vi": "Thuê xe máy"},
        "summary": {
            "en": "A 125 cc automatic scooter with two helmets, per day.",
            "vi": "Xe tay ga 125 cc kèm hai mũ bảo hiểm, tính theo ngày.",
        },
        "description": {
            "en": "Honda Vision or Air Blade, full tank, two helmets and rain ponchos. A motorbike licence is "
            "required.",
            "vi": "Honda Vision hoặc Air Blade, đầy bình xăng, hai mũ bảo hiểm và áo mưa. Cần có bằng lái xe máy.",
        },
        "price_unit": 200000,
        "lead_time_minutes": 120,
        "cancel_window_hours": 12,
    },
    # Nature
    {
        "code": "fishing",
        "kind": "slot",
        "pool": "lake_pier",
        "title": {"en": "Fishing on the lake", "vi": "Câu cá trên hồ"},
        "summary": {
            "en": "Three hours with rods, bait and a guide.",
            "vi": "Ba giờ câu cá có cần, mồi và người hướng dẫn.",
        },
        "description": {
            "en": "Cast for carp and tilapia from the lodge's pier. The kitchen will grill your catch for dinner.",
            "vi": "Câu cá chép và cá rô phi từ bến của khu nghỉ. Nhà bếp sẽ nướng cá bạn câu được cho bữa tối.",
        },
        "price_adult": 250000,
        "price_child": 150000,
        "min_age": 6,
        "duration_minutes": 180,
        "lead_time_minutes": 120,
        "cancel_window_hours": 12,
    },
    {
        "code": "horse_riding",
        "kind": "slot",
        "pool": "stable",
        "title": {"en": "Horse riding in the pine forest", "vi": "Cưỡi ngựa trong rừng thông"},
        "summary": {
            "en": "A guided 90-minute trail ride, ages 8 and up.",
            "vi": "Cưỡi ngựa theo đường mòn 90 phút có hướng dẫn, từ 8 tuổi.",
        },
        "description": {
            "en": "Calm horses and an experienced guide on forest trails above the lake. Helmets provided; wear "
            "long trousers and closed shoes.",
            "vi": "Ngựa hiền và hướng dẫn viên giàu kinh nghiệm trên đường mòn trong rừng phía trên hồ. Có mũ "
            "bảo hiểm; hãy mặc quần dài và đi giày kín mũi.",
        },
        "price_adult": 650000,
        "price_child": 450000,
        "min_age": 8,
        "duration_minutes": 90,
        "lead_time_minutes": 120,
        "cancel_window_hours": 24,
    },
    {
        "code": "pony_ride",
        "kind": "slot",
        "pool": "stable",
        "title": {"en": "Pony ride for kids", "vi": "Cưỡi ngựa lùn cho bé"},
        "summary": {
            "en": "A led pony ride round the meadow, ages 3 to 9.",
            "vi": "Dắt ngựa lùn cho bé cưỡi quanh đồng cỏ, từ 3 đến 9 tuổi.",
        },
        "description": {
            "en": "A groom leads the pony while your child rides; parents walk alongside. Helmets provided.",
            "vi": "Người giữ ngựa dắt ngựa lùn khi bé cưỡi; bố mẹ đi bộ bên cạnh. Có mũ bảo hiểm.",
        },
        "price_child": 250000,
        "min_age": 3,
        "max_age": 9,
        "duration_minutes": 30,
        "lead_time_minutes": 60,
        "cancel_window_hours": 12,
    },
    {
        "code": "sauna",
        "kind": "slot",
        "pool": "sauna",
        "title": {"en": "Wood-fired sauna and herbal bath", "vi": "Xông hơi đốt củi và tắm thảo dược"},
        "summary": {
            "en": "75 minutes of heat, a cold plunge and K'Ho herbal tea.",
            "vi": "75 phút xông hơi, ngâm nước lạnh và trà thảo mộc K'Ho.",
        },
        "description": {
            "en": "The cedar sauna by the lake is fired with pine wood; afterwards soak in a tub of mountain "
            "herbs. Ages 12 and up.",
            "vi": "Phòng xông hơi gỗ tuyết tùng bên hồ được đốt bằng củi thông; sau đó ngâm mình trong bồn thảo "
            "dược núi rừng. Từ 12 tuổi trở lên.",
        },
        "price_adult": 300000,
        "price_child": 200000,
        "min_age": 12,
        "duration_minutes": 75,
        "lead_time_minutes": 60,
        "cancel_window_hours": 6,
    },
    {
        "code": "boat_trip",
        "kind": "slot",
        "pool": "boats",
        "title": {"en": "Rowing boat on the lake", "vi": "Chèo thuyền trên hồ"},
        "summary": {
            "en": "An hour on the water with life jackets for everyone.",
            "vi": "Một giờ trên mặt nước, có áo phao cho mọi người.",
        },
        "description": {
            "en": "Row yourselves across the quiet lake to the little island. Life jackets in every size; "
            "children under 4 go free.",
            "vi": "Tự chèo thuyền qua mặt hồ yên ả đến hòn đảo nhỏ. Có áo phao đủ cỡ; trẻ dưới 4 tuổi miễn phí.",
        },
        "price_adult": 200000,
        "price_child": 100000,
        "free_under_age": 4,
        "min_age": 2,
        "duration_minutes": 60,
        "lead_time_minutes": 60,
        "cancel_window_hours": 6,
    },
    {
        "code": "paintball",
        "kind": "slot",
        "pool": "paintball_field",
        "title": {"en": "Paintball in the forest", "vi": "Bắn súng sơn trong rừng"},
        "summary": {
            "en": "Two hours on a marked-off forest field, 12 and over.",
            "vi": "Hai giờ trên sân rừng có rào chắn, từ 12 tuổi.",
        },
        "description": {
            "en": "Masks, overalls and 200 paintballs per player, with a referee on a fenced-off field away from "
            "the trails.",
            "vi": "Mặt nạ, áo liền quần và 200 viên sơn mỗi người, có trọng tài, trên sân có rào cách xa đường "
            "mòn.",
        },
        "price_adult": 500000,
        "price_child": 400000,
        "min_age": 12,
        "duration_minutes": 120,
        "lead_time_minutes": 240,
        "cancel_window_hours": 24,
    },
    {
        "code": "contact_zoo",
        "kind": "slot",
        "pool": "farm",
        "title": {"en": "Contact zoo: goats, rabbits and deer", "vi": "Vườn thú tương tác: dê, thỏ và hươu"},
        "summary": {
            "en": "Feed and stroke the animals with a keeper.",
            "vi": "Cho ăn và vuốt ve các con vật cùng người chăm sóc.",
        },
        "description": {
            "en": "A keeper shows children how to feed the goats, rabbits and sika deer. Children under 3 go free.",
            "vi": "Người chăm sóc hướng dẫn các bé cho dê, thỏ và hươu sao ăn. Trẻ dưới 3 tuổi miễn phí.",
        },
        "price_adult": 80000,
        "price_child": 60000,
        "free_under_age": 3,
        "duration_minutes": 60,
        "lead_time_minutes": 30,
        "cancel_window_hours": 2,
    },
    {
        "code": "mini_farm",
        "kind": "slot",
        "pool": "farm",
        "title": {
            "en": "Mini-farm morning: eggs, milk and vegetables",
            "vi": "Buổi sáng ở nông trại mini: trứng, sữa và rau",
        },
        "summary": {
            "en": "Collect eggs, milk a goat and pick vegetables for lunch.",
            "vi": "Nhặt trứng, vắt sữa dê và hái rau cho bữa trưa.",
        },
        "description": {
            "en": "An hour of farm chores with our farmer; the kitchen cooks what you picked. Children under 3 "
            "go free.",
            "vi": "Một giờ làm việc nhà nông cùng bác nông dân; nhà bếp sẽ nấu những gì bạn hái. Trẻ dưới 3 tuổi "
            "miễn phí.",
        },
        "price_adult": 120000,
        "price_child": 100000,
        "free_under_age": 3,
        "duration_minutes": 60,
        "lead_time_minutes": 60,
        "cancel_window_hours": 6,
    },
]
