using System.Runtime.InteropServices;

namespace MiniMesos.Isolation.Libc;

/// <summary>Turns the errno of the last libc call into an exception whose message names the call and the error.</summary>
internal static class LibcError
{
    public static int LastErrno => Marshal.GetLastPInvokeError();

    public static string Describe(int errno) => $"errno {errno} ({Marshal.GetPInvokeErrorMessage(errno)})";

    /// <summary>Throws when <paramref name="result"/> is -1, with the failed call and errno in the message.</summary>
    public static int Check(int result, string call)
    {
        if (result == -1)
        {
            throw new LibcException(call, LastErrno);
        }

        return result;
    }

    /// <summary>As <see cref="Check(int, string)"/>, naming <paramref name="what"/> too; the message is built only on failure
    /// (task init runs this on every start, and formatting there costs more than the call).</summary>
    public static int Check(int result, string call, object what)
    {
        if (result == -1)
        {
            throw new LibcException(call + " " + what, LastErrno);
        }

        return result;
    }
}
