namespace AgentOS.Memory;

/// <summary>Where an item's record is: its block and the byte offset in it.</summary>
internal readonly record struct ItemLocation(MemoryBlock Block, int Offset);
