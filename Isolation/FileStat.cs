namespace MiniMesos.Isolation;

/// <summary>What statx(2) says about one file, not following a final symlink.</summary>
internal readonly record struct FileStat(uint Links, uint Uid, uint Gid, uint Mode, ulong Inode, long Size, long MtimeSeconds)
{
    private const uint TypeMask = 0xF000;

    public bool IsDirectory => (Mode & TypeMask) == 0x4000;

    public bool IsRegular => (Mode & TypeMask) == 0x8000;

    public bool IsSymlink => (Mode & TypeMask) == 0xA000;
}
