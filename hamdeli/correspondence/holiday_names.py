"""Persian names of the public holidays the `holidays` package names in English only (it has Persian
for Iran's own days alone), so that the calendar reads in Persian on Persian pages. Written for
Hamdeli from the usual Persian names of these days; a holiday not listed keeps its English name."""

FA = {
    "New Year's Day": "روز سال نو میلادی", "New Year's Eve": "شب سال نو میلادی", "New Year Holidays": "تعطیلات سال نو",
    "Christmas Day": "کریسمس", "Christmas": "کریسمس", "Second Day of Christmas": "دومین روز کریسمس",
    "Boxing Day": "روز پس از کریسمس", "Christmas and Epiphany": "کریسمس و عید ظهور",
    "Armenian Orthodox Christmas Day": "کریسمس کلیسای ارمنی", "Epiphany": "عید ظهور (اپیفانی)",
    "Good Friday": "جمعه‌ی نیک", "Catholic Good Friday": "جمعه‌ی نیک کاتولیک", "Orthodox Good Friday": "جمعه‌ی نیک ارتدکس",
    "Maundy Thursday": "پنجشنبه‌ی مقدس", "Easter": "عید پاک", "Easter Sunday": "عید پاک",
    "Easter Monday": "دوشنبه‌ی عید پاک",
    "Ascension Day": "عید صعود", "Pentecost": "عید پنجاهه", "Pentecost Monday": "دوشنبه‌ی عید پنجاهه",
    "Corpus Christi": "عید جسد مسیح", "Assumption Day": "عید عروج مریم", "Assumption Of Mary Day": "عید عروج مریم",
    "Dormition of the Mother of God": "عید آرمیدن مریم", "All Saints' Day": "روز همه‌ی قدیسان",
    "Immaculate Conception": "عید لقاح مطهر", "Feast of the Annunciation": "عید بشارت",
    "Saint Stephen's Day": "روز قدیس استفان", "Saint John's Day": "روز قدیس یحیی",
    "Saint Peter and Saint Paul's Day": "روز قدیس پطرس و قدیس پولس",
    "Labor Day": "روز کارگر", "Labour Day": "روز کارگر", "May Day": "روز کارگر",
    "International Workers' Day": "روز جهانی کارگر", "Holiday of Spring and Labor": "جشن بهار و کار",
    "Labor and Solidarity Day": "روز کار و همبستگی", "International Women's Day": "روز جهانی زن",
    "Women's Day": "روز زن", "Children's Day": "روز کودک", "National Day": "روز ملی",
    "Independence Day": "روز استقلال", "Republic Day": "روز جمهوری", "Constitution Day": "روز قانون اساسی",
    "Victory Day": "روز پیروزی", "Unity Day": "روز وحدت", "National Unity Day": "روز وحدت ملی",
    "Liberation Day": "روز آزادی", "Martyrs' Day": "روز شهیدان", "Foundation Day": "روز بنیان‌گذاری",
    "National Holiday": "تعطیل ملی", "Public Holiday": "تعطیل رسمی", "Memorial Day": "روز یادبود",
    "Thanksgiving Day": "روز شکرگزاری", "Independence Day of Armenia": "روز استقلال ارمنستان",
    "German Unity Day": "روز وحدت آلمان", "National Day of Catalonia": "روز ملی کاتالونیا",
    "Russia Day": "روز روسیه", "Defender of the Fatherland Day": "روز مدافعان میهن",
    "Malaysia Day": "روز مالزی", "Federal Territory Day": "روز قلمرو فدرال", "Pakistan Day": "روز پاکستان",
    "Iqbal Day": "روز اقبال", "Quaid-e-Azam Day": "روز قائد اعظم", "Kashmir Solidarity Day": "روز همبستگی با کشمیر",
    "Youm-e-Takbeer": "یوم تکبیر", "Mahatma Gandhi's Birthday": "زادروز مهاتما گاندی",
    "Chinese New Year": "سال نو چینی", "Chinese New Year (Spring Festival)": "سال نو چینی (جشن بهار)",
    "Chinese New Year's Eve": "شب سال نو چینی", "Korean New Year": "سال نو کره‌ای", "Lantern Festival": "جشن فانوس",
    "Tomb-Sweeping Day": "روز پاکیزه‌سازی آرامگاه‌ها (چینگ‌مینگ)", "Dragon Boat Festival": "جشن قایق اژدها",
    "Mid-Autumn Festival": "جشن میانه‌ی پاییز", "Chuseok": "چوسوک (جشن برداشت کره)",
    "Buddha's Birthday": "زادروز بودا", "Vesak Day": "جشن وساک (زادروز بودا)", "Diwali": "دیوالی",
    "Holi": "هولی", "Dussehra": "دسهرا", "Thaipusam": "تایپوسام",
    "Nowruz": "نوروز", "Nowruz Holiday": "تعطیلات نوروز", "Islamic New Year": "سال نو هجری قمری",
    "Islamic New Year Day": "سال نو هجری قمری", "Ashura": "عاشورا", "Tasua": "تاسوعا", "Arbaeen": "اربعین",
    "Eid al-Fitr": "عید فطر", "Eid al-Fitr Holiday": "تعطیلات عید فطر", "Eid al-Fitr (Second Day)": "دومین روز عید فطر",
    "Eid al-Adha": "عید قربان", "Eid al-Adha Holiday": "تعطیلات عید قربان", "Day of Arafah": "روز عرفه",
    "Eid al-Ghadir": "عید غدیر", "Prophet's Birthday": "میلاد پیامبر",
    "Prophet Muhammad's Birthday": "میلاد پیامبر", "Isra' and Mi'raj": "معراج پیامبر (مبعث)",
    "Birthday of Imam Ali": "میلاد امام علی", "Martyrdom of Imam Ali": "شهادت امام علی",
    "Birthday of Mahdi": "نیمه‌ی شعبان", "Martyrdom of Fatima": "شهادت حضرت فاطمه",
    "Nuzul Al-Quran Day": "روز نزول قرآن", "Islamic Revolution Day": "سالروز پیروزی انقلاب اسلامی",
    "Islamic Republic Day": "روز جمهوری اسلامی", "Army Day": "روز ارتش",
}


def persian(english: str) -> str:
    """The Persian name of a holiday (two on one day come joined by "; "), or "" when not known."""
    parts = [FA.get(part.strip()) for part in english.split("; ")]
    return "؛ ".join(parts) if all(parts) else ""
