"""The channel layer: channels_redis's pub/sub layer, able to publish many events in one round trip to Redis."""

from channels_redis.pubsub import RedisPubSubChannelLayer


class PipelinedPubSubChannelLayer(RedisPubSubChannelLayer):
    """`group_send_many` publishes a batch of events with one pipeline per Redis shard: validating a lecture hall
    pushes thousands of events, and one PUBLISH at a time waits thousands of round trips. Everything else is the
    pub/sub layer's own; the batch goes through the same connection, under the same lock, as its PUBLISH."""

    async def group_send_many(self, events):
        """Send each (group, message) of `events`, in order (events on one shard stay in order)."""
        layer = self._get_layer()
        by_shard = {}
        for group, message in events:
            channel = layer._get_group_channel_name(group)
            by_shard.setdefault(layer._get_shard(channel), []).append((channel, self.serialize(message)))
        for shard, published in by_shard.items():
            async with shard._lock:
                shard._ensure_redis()
                pipeline = shard._redis.pipeline(transaction=False)
                for channel, data in published:
                    pipeline.publish(channel, data)
                await pipeline.execute()
