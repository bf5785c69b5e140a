"""Practice search: one interface (`search`), a keyword engine per database, semantic vectors, fusion."""
