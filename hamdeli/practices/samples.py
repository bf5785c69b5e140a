"""Sample practices: Isfahan's three from the story and practices of other cities, in several languages.

Used by the demo and by the search tests and evaluation. Only Isfahan's three practices come from the
story (the news report of spring 2020); their details, and every other city's practice, are written
for illustration: plausible, not checked fact. Each one says so in its note.
"""

import datetime as dt

CITIES = {  # key: (GeoNames id, English name, Persian name, country code)
    "isfahan": (418863, "Isfahan", "اصفهان", "IR"), "wuhan": (1791247, "Wuhan", "ووهان", "CN"),
    "xian": (1790630, "Xi'an", "شیان", "CN"), "guangzhou": (1809858, "Guangzhou", "گوانگجو", "CN"),
    "shanghai": (1796236, "Shanghai", "شانگهای", "CN"), "beijing": (1816670, "Beijing", "پکن", "CN"),
    "barcelona": (3128760, "Barcelona", "بارسلون", "ES"), "madrid": (3117735, "Madrid", "مادرید", "ES"),
    "bogota": (3688689, "Bogotá", "بوگوتا", "CO"), "mexico_city": (3530597, "Mexico City", "مکزیکوسیتی", "MX"),
    "buenos_aires": (3435910, "Buenos Aires", "بوئنوس آیرس", "AR"), "milan": (3173435, "Milan", "میلان", "IT"),
    "seoul": (1835848, "Seoul", "سئول", "KR"), "daegu": (1835329, "Daegu", "دگو", "KR"),
    "singapore": (1880252, "Singapore", "سنگاپور", "SG"), "taipei": (1668341, "Taipei", "تایپه", "TW"),
    "lisbon": (2267057, "Lisbon", "لیسبون", "PT"), "tehran": (112931, "Tehran", "تهران", "IR"),
    "mashhad": (124665, "Mashhad", "مشهد", "IR"), "shiraz": (115019, "Shiraz", "شیراز", "IR"),
    "tabriz": (113646, "Tabriz", "تبریز", "IR"), "istanbul": (745044, "Istanbul", "استانبول", "TR"),
    "kuala_lumpur": (1735161, "Kuala Lumpur", "کوالالامپور", "MY"), "florence": (3176959, "Florence", "فلورانس", "IT"),
    "hyderabad": (1269843, "Hyderabad", "حیدرآباد", "IN"),
}

# When each city was first hit by COVID-19 (illustrative dates, close to the reported ones).
COVID_HIT = {
    "wuhan": dt.date(2019, 12, 31), "guangzhou": dt.date(2020, 1, 20), "xian": dt.date(2020, 1, 23),
    "shanghai": dt.date(2020, 1, 20), "beijing": dt.date(2020, 1, 20), "taipei": dt.date(2020, 1, 21),
    "singapore": dt.date(2020, 1, 23), "seoul": dt.date(2020, 1, 24), "daegu": dt.date(2020, 2, 18),
    "milan": dt.date(2020, 2, 21), "tehran": dt.date(2020, 2, 19), "isfahan": dt.date(2020, 2, 23),
    "barcelona": dt.date(2020, 2, 25), "madrid": dt.date(2020, 2, 26), "florence": dt.date(2020, 2, 25),
    "lisbon": dt.date(2020, 3, 2), "mexico_city": dt.date(2020, 2, 28), "bogota": dt.date(2020, 3, 6),
    "buenos_aires": dt.date(2020, 3, 3), "istanbul": dt.date(2020, 3, 11), "kuala_lumpur": dt.date(2020, 1, 25),
    "hyderabad": dt.date(2020, 3, 2), "mashhad": dt.date(2020, 2, 24), "shiraz": dt.date(2020, 2, 25),
    "tabriz": dt.date(2020, 2, 24),
}

NOTE = {
    "fa": "نمونهٔ نمایشی: جزئیات این تجربه برای نمایش نوشته شده و بررسی‌شده نیست.",
    "en": "Illustrative sample: the details of this practice were written for the demo and are not checked fact.",
}
STORY_NOTE = {
    "fa": "از روایت بهار ۱۳۹۹ اصفهان؛ جزئیات (مواد، شمارها، تاریخ‌ها) نمایشی است.",
    "en": "From Isfahan's spring 2020 story; the details (materials, numbers, dates) are illustrative.",
}


def _p(key, city, lang_texts, topics, phase, instrument, started, story=False):
    return {"key": key, "city": city, "title": {k: v[0] for k, v in lang_texts.items()},
            "summary": {k: v[1] for k, v in lang_texts.items()}, "topics": topics, "phase": phase,
            "instrument": instrument, "started_on": started, "note": STORY_NOTE if story else NOTE}


D = dt.date
PRACTICES = [
    # --- Isfahan, from the story ---
    _p("isfahan_disinfection", "isfahan", {
        "fa": ("ضدعفونی معابر و اماکن عمومی شهر",
               "ناوگان خدمات شهری خیابان‌ها، ایستگاه‌های اتوبوس، پارک‌ها و بازارها را هر شب با محلول رقیق "
               "هیپوکلریت سدیم (آب ژاول) ضدعفونی کرد؛ دستگیره‌ها و نرده‌ها با دست پاک شدند."),
        "en": ("Disinfection of streets and public places",
               "Municipal service crews sprayed streets, bus stops, parks and bazaars every night with a "
               "diluted sodium hypochlorite (bleach) solution; handrails and door handles were wiped by hand.")},
        ["disinfection"], "response", "protocol", D(2020, 2, 25), story=True),
    _p("isfahan_public_info", "isfahan", {
        "fa": ("اطلاع‌رسانی عمومی دربارهٔ کرونا",
               "پیام‌های پیشگیری روی بیلبوردها، صفحه‌های شهری، پیامک و شبکه‌های اجتماعی شهرداری منتشر شد و "
               "مردم به ماندن در خانه دعوت شدند."),
        "en": ("Public information about the coronavirus",
               "Prevention messages on billboards, city screens, text messages and the municipality's social "
               "media; residents were asked to stay at home.")},
        ["public_information"], "response", "campaign", D(2020, 2, 26), story=True),
    _p("isfahan_education", "isfahan", {
        "fa": ("آموزش شهروندان برای پیشگیری از بیماری",
               "سراهای محله کلاس‌ها و ویدئوهای کوتاه دربارهٔ شستن دست، فاصله‌گذاری و استفاده از ماسک برای "
               "شهروندان و کسبه برگزار کردند."),
        "en": ("Teaching residents how to prevent infection",
               "Neighbourhood houses ran short classes and videos on hand washing, distancing and wearing "
               "masks for residents and shopkeepers.")},
        ["education", "public_information"], "response", "programme", D(2020, 3, 1), story=True),
    # --- Chinese cities (zh) ---
    _p("wuhan_disinfection", "wuhan", {"zh": (
        "街道和公共场所消毒",
        "环卫车辆每天用含氯消毒液（次氯酸钠溶液）对主要街道、公交站和社区公共区域进行喷洒消毒。")},
        ["disinfection"], "response", "protocol", D(2020, 1, 25)),
    _p("wuhan_fangcang", "wuhan", {"zh": (
        "方舱医院", "将会展中心和体育馆改建为方舱医院，集中收治轻症患者，减轻医院压力。")},
        ["health_supplies", "governance"], "response", "service", D(2020, 2, 5)),
    _p("xian_bus_disinfection", "xian", {"zh": (
        "公交车和地铁每日消毒", "公交车、地铁车厢和站台每天消毒两次，乘客上车前测量体温并佩戴口罩。")},
        ["disinfection", "transport"], "response", "protocol", D(2020, 1, 26)),
    _p("guangzhou_health_code", "guangzhou", {"zh": (
        "健康码", "市民通过手机申领二维码健康码，进入商场、地铁和小区时扫码登记，便于追踪密切接触者。")},
        ["digital", "governance"], "response", "tool", D(2020, 2, 24)),
    _p("guangzhou_masks", "guangzhou", {"zh": (
        "免费发放口罩", "通过预约系统向市民免费发放口罩，每人每次五个，在社区药店领取。")},
        ["health_supplies"], "response", "service", D(2020, 2, 1)),
    _p("guangzhou_multilingual_info", "guangzhou", {
        "zh": ("外国人多语种热线", "为在穗外国人开通英语、阿拉伯语、俄语等多语种防疫咨询热线。"),
        "en": ("Multilingual hotline for foreign residents",
               "A hotline in English, Arabic, Russian and other languages answers foreign residents' questions.")},
        ["public_information", "social_support"], "response", "service", D(2020, 2, 10)),
    _p("shanghai_online_school", "shanghai", {"zh": (
        "中小学在线教学", "全市中小学通过电视和网络平台开展在线教学，学生在家上课。")},
        ["education", "digital"], "response", "programme", D(2020, 3, 2)),
    _p("beijing_community_grid", "beijing", {"zh": (
        "社区网格化管理", "社区工作者和志愿者按网格负责登记居民出入、上门排查和为隔离家庭代购生活物资。")},
        ["governance", "social_support"], "response", "protocol", D(2020, 1, 28)),
    # --- Spanish-speaking cities (es) ---
    _p("barcelona_disinfection", "barcelona", {"es": (
        "Desinfección de calles", "Los servicios de limpieza desinfectan calles, mobiliario urbano y entornos de "
        "hospitales con agua e hipoclorito sódico diluido.")},
        ["disinfection"], "response", "protocol", D(2020, 3, 16)),
    _p("barcelona_elderly_calls", "barcelona", {"es": (
        "Llamadas a personas mayores que viven solas", "Trabajadores sociales y voluntarios llaman por teléfono "
        "cada semana a las personas mayores solas para conocer sus necesidades y acompañarlas.")},
        ["social_support"], "response", "service", D(2020, 3, 18)),
    _p("barcelona_cycling", "barcelona", {"es": (
        "Carriles bici temporales", "Se pintan carriles bici provisionales y se ensanchan aceras para que la "
        "gente se desplace con distancia durante la desescalada.")},
        ["transport"], "recovery", "regulation", D(2020, 5, 11)),
    _p("madrid_field_hospital", "madrid", {"es": (
        "Hospital de campaña en IFEMA", "El recinto ferial se convierte en un hospital de campaña con más de mil "
        "camas para pacientes leves.")},
        ["health_supplies", "governance"], "response", "service", D(2020, 3, 21)),
    _p("bogota_food", "bogota", {"es": (
        "Ayudas alimentarias para familias vulnerables", "Entrega de mercados y transferencias a hogares pobres "
        "durante la cuarentena.")},
        ["social_support", "economy"], "response", "programme", D(2020, 3, 25)),
    _p("mexico_info_campaign", "mexico_city", {"es": (
        "Campaña «Quédate en casa»", "Campaña de información pública en radio, televisión y redes sociales "
        "para pedir a la población que se quede en casa.")},
        ["public_information"], "response", "campaign", D(2020, 3, 23)),
    _p("buenos_aires_school_tv", "buenos_aires", {"es": (
        "Clases por televisión y radio", "Programas educativos por televisión y radio para alumnos sin "
        "conexión a internet.")},
        ["education"], "response", "programme", D(2020, 4, 1)),
    # --- English ---
    _p("milan_open_streets", "milan", {"en": (
        "Open streets: space for cycling and walking", "Milan reallocated 35 km of streets to cyclists and "
        "pedestrians with new bike lanes and wider pavements after the lockdown.")},
        ["transport"], "recovery", "regulation", D(2020, 5, 4)),
    _p("milan_small_business", "milan", {"en": (
        "Rent relief for small shops", "Grants and deferred municipal fees to help neighbourhood shops and "
        "small businesses pay rent.")},
        ["economy"], "recovery", "programme", D(2020, 5, 18)),
    _p("seoul_drive_through", "seoul", {"en": (
        "Drive-through testing stations", "People are tested for the virus without leaving their car; a test "
        "takes about ten minutes.")},
        ["health_supplies", "governance"], "response", "service", D(2020, 2, 26)),
    _p("seoul_disaster_sms", "seoul", {"en": (
        "Emergency text alerts", "Emergency text messages tell residents about new cases and the places "
        "infected people visited.")},
        ["public_information", "digital"], "response", "tool", D(2020, 2, 1)),
    _p("seoul_online_learning", "seoul", {"en": (
        "Online school with loaned tablets", "Schools moved classes online and lent tablets to pupils who had "
        "no device at home.")},
        ["education", "digital"], "response", "programme", D(2020, 4, 9)),
    _p("daegu_volunteer_medics", "daegu", {"en": (
        "Volunteer doctors and nurses", "Hundreds of volunteer doctors and nurses from other regions were "
        "coordinated to reinforce hospitals and testing centres.")},
        ["governance", "health_supplies"], "response", "programme", D(2020, 2, 25)),
    _p("singapore_elderly_meals", "singapore", {"en": (
        "Meals delivered to seniors", "Volunteers deliver meals and groceries to elderly residents who live "
        "alone and cannot go out.")},
        ["social_support"], "response", "service", D(2020, 4, 7)),
    _p("taipei_mask_map", "taipei", {"en": (
        "Mask availability map", "A map app shows in real time how many masks each pharmacy has left.")},
        ["digital", "health_supplies"], "response", "tool", D(2020, 2, 6)),
    _p("lisbon_homeless", "lisbon", {"en": (
        "Emergency shelters for homeless people", "Sports halls were turned into temporary shelters with beds, "
        "meals and health checks for people sleeping rough.")},
        ["social_support"], "response", "service", D(2020, 3, 20)),
    _p("istanbul_water_bills", "istanbul", {"en": (
        "Postponed water bills", "Water bills were postponed for households and cuts for unpaid bills "
        "suspended during the pandemic.")},
        ["economy", "social_support"], "response", "regulation", D(2020, 3, 20)),
    _p("kuala_lumpur_market_rules", "kuala_lumpur", {"en": (
        "Distancing rules for wet markets", "Wet markets were reorganised with one-way aisles, limited entry "
        "and temperature checks.")},
        ["governance"], "response", "regulation", D(2020, 3, 25)),
    _p("florence_hotel_quarantine", "florence", {"en": (
        "Hotels for quarantine", "Empty hotels host people who must be isolated but cannot stay safely at "
        "home.")},
        ["health_supplies", "social_support"], "response", "service", D(2020, 3, 25)),
    _p("hyderabad_migrant_workers", "hyderabad", {"en": (
        "Meals for migrant workers", "Community kitchens serve free meals to migrant workers stranded by the "
        "lockdown.")},
        ["social_support"], "response", "service", D(2020, 3, 28)),
    # --- Persian ---
    _p("tehran_metro", "tehran", {"fa": (
        "ضدعفونی واگن‌های مترو", "واگن‌ها و ایستگاه‌های مترو و اتوبوس‌های شهری هر روز چند بار ضدعفونی "
        "می‌شوند.")},
        ["disinfection", "transport"], "response", "protocol", D(2020, 2, 22)),
    _p("mashhad_mask_production", "mashhad", {"fa": (
        "تولید ماسک در کارگاه‌های محلی", "کارگاه‌های خیاطی محله‌ها برای دوخت ماسک پارچه‌ای و گان به کار "
        "گرفته شدند.")},
        ["health_supplies", "economy"], "response", "programme", D(2020, 3, 1)),
    _p("shiraz_online_classes", "shiraz", {"fa": (
        "آموزش مجازی دانش‌آموزان", "مدرسه‌ها کلاس‌ها را در بستر برخط برگزار کردند و به دانش‌آموزان بی‌تبلت "
        "گوشی امانی دادند.")},
        ["education", "digital"], "response", "programme", D(2020, 3, 10)),
    _p("tabriz_food_packages", "tabriz", {"fa": (
        "بستهٔ معیشتی برای خانواده‌های نیازمند", "خیران و شهرداری بسته‌های غذایی را به خانواده‌های کم‌درآمد "
        "در دوران قرنطینه رساندند.")},
        ["social_support"], "response", "programme", D(2020, 3, 15)),
]
