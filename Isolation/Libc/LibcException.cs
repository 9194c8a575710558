namespace MiniMesos.Isolation.Libc;

/// <summary>A libc call failed; keeps errno so callers can react to specific errors (EBUSY, ENOENT...).</summary>
internal sealed class LibcException(string call, int errno)
    : Exception($"{call} failed: {LibcError.Describe(errno)}")
{
    public int Errno { get; } = errno;
}
