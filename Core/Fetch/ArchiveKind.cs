namespace MiniMesos.Core.Fetch;

/// <summary>What the fetcher unpacks: tar (plain or gzip) and zip. xz and bzip2 tars are recognised but refused: .NET has no decoder for them.</summary>
internal enum ArchiveKind
{
    None,
    Tar,
    TarGzip,
    Zip,
    Unsupported,
}
