using MiniMesos.Core.Text;

namespace MiniMesos.Core.Isolation;

/// <summary>The parts of an /etc/passwd line a task launch needs.</summary>
internal sealed record PasswdEntry(string Name, uint Uid, uint Gid, string Home)
{
    /// <summary>Finds <paramref name="user"/> by name, or by number when it is all digits.</summary>
    public static PasswdEntry? Find(string passwd, string user)
    {
        foreach (var line in passwd.Split('\n'))
        {
            var f = line.Split(':');
            if (f.Length < 7 || !uint.TryParse(f[2], out var uid) || !uint.TryParse(f[3], out var gid))
            {
                continue;
            }

            if (f[0] == user || (CharChecks.All(user, char.IsAsciiDigit) && user == f[2]))
            {
                return new PasswdEntry(f[0], uid, gid, f[5]);
            }
        }

        return null;
    }
}
