#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import TRQFrame

returnLargeFreedBlocksToTheSystem()
exit(runCommandLine(Array(CommandLine.arguments.dropFirst())))
