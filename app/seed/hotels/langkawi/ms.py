"""Malay texts of the Langkawi resort, keyed by "<kind>.<code>.<field>"."""

TEXTS = {
    "hotel.name": "Resort Keluarga Teluk Cenang",
    "hotel.house_rules": "Waktu senyap dari 23:00 hingga 07:00. Dilarang merokok di dalam bangunan dan di kerusi "
    "rehat pantai. Penyelamat bertugas di kolam renang dari 08:00 hingga 19:00; kanak-kanak bawah 12 tahun berenang "
    "bersama orang dewasa. Daftar keluar sebelum 12:00.",
    "pool.cribs.name": "Katil bayi",
    "pool.strollers.name": "Kereta sorong bayi pantai",
    "pool.kids_club.name": "Pondok pantai kelab kanak-kanak",
    "pool.sitters.name": "Pengasuh kanak-kanak",
    "pool.splash_pool.name": "Kolam percikan dengan gelongsor",
    "pool.van.name": "Van resort (10 tempat duduk)",
    "pool.boats.name": "Bot lawatan (2 buah bot, 24 tempat duduk)",
    "pool.kayaks.name": "Kayak laut (5 kayak berdua)",
    "pool.cable_car.name": "Peruntukan tiket SkyCab",
    "pool.jet_skis.name": "Jet ski (4 buah)",
    "pool.scooters.name": "Skuter sewa",
    "pool.speedboat.name": "Bot laju ke Pulau Payar (20 tempat duduk)",
    "pool.spa.name": "Bilik rawatan spa (4 buah)",
    "package.family.title": "Keluarga",
    "package.family.summary": "Hari di pantai bersama anak-anak jadi mudah: katil bayi, kelab kanak-kanak, kolam "
    "percikan dan pengasuh pada waktu malam.",
    "package.outdoor.title": "Aktiviti luar",
    "package.outdoor.summary": "Pulau, hutan bakau dan kereta kabel: lawatan, jet ski dan skuter untuk menjelajah "
    "pulau.",
    "package.nature.title": "Alam semula jadi",
    "package.nature.summary": "Terumbu karang, helang di atas hutan bakau, memancing waktu senja dan urutan Melayu "
    "untuk menutup hari.",
    "service.crib.title": "Katil bayi di bilik anda",
    "service.crib.summary": "Katil bayi dengan kelambu dan cadar bersih, percuma.",
    "service.crib.description": "Pasukan pengemasan memasang katil bayi dengan tilam baharu, cadar kapas dan kelambu "
    "sebelum anda kembali ke bilik. Untuk bayi sehingga umur 2 tahun.",
    "service.stroller.title": "Sewa kereta sorong bayi pantai",
    "service.stroller.summary": "Kereta sorong bayi beroda lebar untuk pasir, harga sehari.",
    "service.stroller.description": "Kereta sorong bayi ringan beroda lebar dengan peneduh matahari dan penutup hujan. "
    "Ambil di kaunter hadapan.",
    "service.kids_club.title": "Kelab kanak-kanak: istana pasir, kraf dan permainan",
    "service.kids_club.summary": "Tiga jam bersama animator kami untuk umur 4 hingga 12 tahun.",
    "service.kids_club.description": "Pertandingan istana pasir, kraf kulit kerang, memburu harta karun dan sudut "
    "tidur yang teduh di pondok pantai. Pelindung matahari dan air minuman disediakan.",
    "service.splash_pool.title": "Kolam percikan kanak-kanak dengan gelongsor",
    "service.splash_pool.summary": "Sejam di kolam cetek dengan gelongsor dan penyelamat, percuma untuk tetamu.",
    "service.splash_pool.description": "Kolam percikan yang teduh sedalam 40 cm dengan dua gelongsor dan pancutan air. "
    "Kanak-kanak bawah 8 tahun berenang bersama ibu atau bapa.",
    "service.babysitting.title": "Khidmat pengasuh waktu malam",
    "service.babysitting.summary": "Pengasuh terlatih di bilik anda dari 19:00 hingga 23:00.",
    "service.babysitting.description": "Pengasuh kami memegang sijil pertolongan cemas dan bertutur dalam bahasa "
    "Melayu dan Inggeris. Mereka bermain, membaca dan menidurkan anak-anak di bilik anda.",
    "service.airport_transfer.title": "Pengangkutan ke Lapangan Terbang Langkawi",
    "service.airport_transfer.summary": "Van resort ke atau dari lapangan terbang, tempat duduk kanak-kanak atas "
    "permintaan.",
    "service.airport_transfer.description": "Lapangan terbang hanya sepuluh minit dari sini. Beritahu kami nombor "
    "penerbangan anda semasa menempah; tempat duduk kanak-kanak percuma dan kanak-kanak bawah 4 tahun naik percuma.",
    "service.island_hopping.title": "Lawatan pulau: Tasik Dayang Bunting dan Beras Basah",
    "service.island_hopping.summary": "Empat jam menaiki bot ke tiga buah pulau, jaket keselamatan disediakan.",
    "service.island_hopping.description": "Berenang di tasik air tawar Dayang Bunting, saksikan helang diberi makan "
    "dan bersantai di pasir putih Pulau Beras Basah. Kanak-kanak bawah 3 tahun percuma.",
    "service.mangrove_kayak.title": "Lawatan kayak hutan bakau",
    "service.mangrove_kayak.summary": "Berkayak di hutan bakau Kilim bersama pemandu, umur 7 tahun ke atas.",
    "service.mangrove_kayak.description": "Tiga jam berkayak berdua menyusuri alur bakau yang tenang, gua batu kapur "
    "dan koloni kelawar. Tiada pengalaman diperlukan; pengangkutan dari resort disediakan.",
    "service.cable_car.title": "Tiket kereta kabel SkyCab dan Sky Bridge",
    "service.cable_car.summary": "Tanpa beratur ke puncak Gunung Mat Cincang pada waktu pilihan anda.",
    "service.cable_car.description": "Kereta kabel mendaki 700 m di atas Laut Andaman; berjalan di Sky Bridge yang "
    "melengkung di puncak. Kanak-kanak bawah 3 tahun percuma.",
    "service.jet_ski.title": "Menunggang jet ski",
    "service.jet_ski.summary": "Tiga puluh minit di sepanjang Pantai Cenang, umur 16 tahun ke atas.",
    "service.jet_ski.description": "Taklimat ringkas, jaket keselamatan dan setengah jam di air dalam zon bertanda, "
    "dengan jurulatih berhampiran.",
    "service.scooter_rental.title": "Sewa skuter",
    "service.scooter_rental.summary": "Skuter automatik 110 cc dengan dua topi keledar, harga sehari.",
    "service.scooter_rental.description": "Tangki penuh, dua topi keledar dan peta pantai-pantai di pulau ini. Lesen "
    "motosikal diperlukan.",
    "service.snorkelling.title": "Snorkeling di Taman Laut Pulau Payar",
    "service.snorkelling.summary": "Sehari di terumbu karang dengan topeng, kaki itik dan makan tengah hari, umur 5 "
    "tahun ke atas.",
    "service.snorkelling.description": "Bot laju membawa anda ke taman laut untuk snorkeling bersama ikan terumbu dan "
    "anak jerung. Topeng, kaki itik, jaket keselamatan, yuran taman dan bekal makan tengah hari disediakan.",
    "service.eagle_watching.title": "Melihat helang di hutan bakau Kilim",
    "service.eagle_watching.summary": "Lawatan bot untuk melihat helang laut dan lang merah dari dekat.",
    "service.eagle_watching.description": "Tukang bot kami membawa anda menyusuri sungai bakau tempat lang merah dan "
    "helang laut perut putih berlegar di udara, dengan singgahan di sangkar ikan. Kanak-kanak bawah 3 tahun percuma.",
    "service.mangrove_fishing.title": "Memancing di hutan bakau",
    "service.mangrove_fishing.summary": "Empat jam memancing bersama nelayan tempatan, joran dan umpan disediakan.",
    "service.mangrove_fishing.description": "Pancing ikan merah dan kerapu di pinggir hutan bakau. Dapur kami akan "
    "memanggang hasil tangkapan anda untuk makan malam. Umur 6 tahun ke atas.",
    "service.spa.title": "Urutan tradisional Melayu",
    "service.spa.summary": "Enam puluh minit dengan minyak kelapa suam dan herba, umur 16 tahun ke atas.",
    "service.spa.description": "Urut Melayu dengan urutan panjang menggunakan minyak kelapa dan serai, diikuti teh "
    "halia di taman.",
}
