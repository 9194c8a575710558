using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace MiniMesos.Tests.Fetch;

/// <summary>Builds (hostile) tar, tar.gz and zip archives in memory for the fetcher's tests.</summary>
internal static class FetchArchives
{
    public static byte[] Tar(Action<TarWriter> entries, bool gzip = false)
    {
        var buffer = new MemoryStream();
        using (Stream target = gzip ? new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true) : new NonClosing(buffer))
        using (var writer = new TarWriter(target, TarEntryFormat.Pax, leaveOpen: true))
            entries(writer);
        return buffer.ToArray();
    }

    public static void File(TarWriter w, string name, string text, UnixFileMode mode = (UnixFileMode)0b110_100_100) =>
        w.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)), Mode = mode });

    public static void Link(TarWriter w, TarEntryType type, string name, string target) =>
        w.WriteEntry(new PaxTarEntry(type, name) { LinkName = target });

    public static byte[] Zip(params (string Name, string Text)[] entries)
    {
        var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text) in entries)
            {
                using var s = zip.CreateEntry(name).Open();
                s.Write(Encoding.UTF8.GetBytes(text));
            }
        }
        return buffer.ToArray();
    }

    private sealed class NonClosing(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
