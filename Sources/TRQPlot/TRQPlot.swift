// TRQPlot
