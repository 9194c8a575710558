using System.Diagnostics;

namespace MiniMesos.Tests.Compression;

/// <summary>Compresses with the system's xz (XZ Utils), so the decoder is tested on files it did not make itself.</summary>
internal static class XzTool
{
    public static byte[] Compress(byte[] data, params string[] args)
    {
        var dir = Directory.CreateTempSubdirectory("xz-").FullName;
        try
        {
            var input = Path.Combine(dir, "data");
            File.WriteAllBytes(input, data);
            var start = new ProcessStartInfo("xz") { RedirectStandardError = true };
            foreach (var a in args) start.ArgumentList.Add(a);
            start.ArgumentList.Add("--keep");
            start.ArgumentList.Add(input);
            using var process = Process.Start(start)!;
            var error = process.StandardError.ReadToEnd();
            if (!process.WaitForExit(60_000))
            {
                process.Kill();
                throw new TimeoutException("xz did not finish within 60 s");
            }
            if (process.ExitCode != 0) throw new InvalidOperationException($"xz {string.Join(' ', args)} failed: {error}");
            return File.ReadAllBytes(input + ".xz");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Bytes that compress somewhat: text-like runs mixed with pseudo-random bytes (seeded, so reproducible).</summary>
    public static byte[] Sample(int length, int seed)
    {
        var random = new Random(seed);
        var data = new byte[length];
        var words = new[] { "minimesos ", "marathon ", "agent ", "the ", "task ", "\n", "0123456789" };
        var at = 0;
        while (at < length)
        {
            if (random.Next(4) == 0)
            {
                var n = Math.Min(length - at, random.Next(1, 300));
                random.NextBytes(data.AsSpan(at, n));
                at += n;
            }
            else
            {
                var word = words[random.Next(words.Length)];
                for (var i = 0; i < word.Length && at < length; i++) data[at++] = (byte)word[i];
            }
        }
        return data;
    }
}
