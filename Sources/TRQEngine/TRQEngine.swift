// TRQEngine
