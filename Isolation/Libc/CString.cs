using System.Text;

namespace MiniMesos.Isolation.Libc;

/// <summary>NUL-terminated UTF-8 for the libc calls that take a <c>char*</c> (Tmds.LibC binds them as <c>byte*</c>).</summary>
internal static class CString
{
    public static byte[] Of(string value)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(value) + 1];
        Encoding.UTF8.GetBytes(value, bytes);
        return bytes;
    }

    public static byte[]? OfNullable(string? value) => value is null ? null : Of(value);
}
