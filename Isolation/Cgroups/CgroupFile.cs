using System.Text;
using MiniMesos.Isolation.Libc;

namespace MiniMesos.Isolation.Cgroups;

/// <summary>cgroupfs files are written with one write(2) each, and errno matters (EBUSY, EINVAL), so no FileStream.</summary>
internal static class CgroupFile
{
    public static unsafe void Write(string path, string content)
    {
        var fd = LibcError.Check(Fcntl.open(path, Fcntl.O_WRONLY | Fcntl.O_CLOEXEC, 0), $"open {path}");
        try
        {
            var bytes = Encoding.ASCII.GetBytes(content);
            fixed (byte* p = bytes)
            {
                if (Unistd.write(fd, p, (nuint)bytes.Length) < 0)
                {
                    throw new LibcException($"write '{content}' to {path}", LibcError.LastErrno);
                }
            }
        }
        finally
        {
            Unistd.close(fd);
        }
    }

    public static string? TryRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static IReadOnlyList<string> ReadWords(string path) =>
        (TryRead(path) ?? "").Split([' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
}
