// TRQFrame
