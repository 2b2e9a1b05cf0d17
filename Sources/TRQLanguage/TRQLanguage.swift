// TRQLanguage
