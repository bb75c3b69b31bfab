/// Gives memory that was freed back to the system, where the C library allows it.
///
/// glibc keeps freed blocks in its arenas for reuse; after a large short-lived allocation (an inventory's parse,
/// the copies of device records a checkpoint holds while ingest goes on) that stays resident for good unless it is
/// trimmed.
public enum FreedMemory {
    public static func returnToSystem() {
        #if canImport(Glibc)
            _ = mallocTrim(0)
        #endif
    }
}

#if canImport(Glibc)
    /// glibc's `malloc_trim`, a GNU extension the Glibc module does not import.
    @_silgen_name("malloc_trim")
    private func mallocTrim(_ padding: Int) -> Int32
#endif
