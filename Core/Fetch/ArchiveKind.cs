namespace MiniMesos.Core.Fetch;

/// <summary>What the fetcher unpacks: tar (plain, gzip or xz) and zip. bzip2 and zstd tars are recognised but refused: .NET has no decoder for them.</summary>
internal enum ArchiveKind
{
    None,
    Tar,
    TarGzip,
    TarXz,
    Zip,
    Unsupported,
}
