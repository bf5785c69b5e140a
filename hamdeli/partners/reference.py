"""City networks every organization can choose from (reference data, loaded by a migration)."""

NETWORKS = [
    ("metropolis", "Metropolis", {"en": "Metropolis — World Association of the Major Metropolises",
                                  "fa": "متروپولیس — انجمن جهانی کلان‌شهرها"}, "https://www.metropolis.org"),
    ("inta", "INTA", {"en": "INTA — International Urban Development Association",
                      "fa": "اینتا — انجمن بین‌المللی توسعه شهری"}, "https://inta-aivn.org"),
    ("uclg", "UCLG", {"en": "United Cities and Local Governments", "fa": "سازمان شهرها و دولت‌های محلی متحد"},
     "https://www.uclg.org"),
    ("iclei", "ICLEI", {"en": "ICLEI — Local Governments for Sustainability",
                        "fa": "ایکلی — دولت‌های محلی برای پایداری"}, "https://iclei.org"),
    ("unesco-gnlc", "GNLC", {"en": "UNESCO Global Network of Learning Cities",
                             "fa": "شبکه جهانی شهرهای یادگیرنده یونسکو"}, "https://uil.unesco.org"),
    ("wego", "WeGO", {"en": "WeGO — World Smart Sustainable Cities Organization",
                      "fa": "وی‌گو — سازمان جهانی شهرهای هوشمند پایدار"}, "https://we-gov.org"),
]


def load_networks(network_model) -> None:
    for slug, acronym, name, website in NETWORKS:
        network_model.objects.update_or_create(
            slug=slug, defaults={"acronym": acronym, "name": name, "website": website})
