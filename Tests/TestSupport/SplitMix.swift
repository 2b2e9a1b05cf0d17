// Randomized tests draw from TRQRandom's SplitMix64, so a seed reproduces a failing case.
@_exported import TRQRandom
