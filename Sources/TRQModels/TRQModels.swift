// TRQModels
