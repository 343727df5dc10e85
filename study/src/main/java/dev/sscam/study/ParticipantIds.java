package dev.sscam.study;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The ids a participant's browser sees for trials, pictures and maps: HMAC-SHA256 under the study's secret
 * key of (participant, kind, stored id), 128 bits in hex. Each participant gets their own ids, so two
 * participants cannot compare notes by id ("what did you pick for 3fa…?"), and without the key an id
 * says nothing about the map behind it. The server maps an id back by recomputing the participant's ids.
 */
final class ParticipantIds {
  /** What an id names (part of the HMAC input, so a map's id never equals a trial's). */
  enum Kind { TRIAL, PICTURE, MAP }

  private final SecretKeySpec key;

  /** Ids under {@code hexKey} (the study's secret, see {@link StudyDatabase#secret}). */
  ParticipantIds(String hexKey) {
    this.key = new SecretKeySpec(HexFormat.of().parseHex(hexKey), "HmacSHA256");
  }

  /** The id participant {@code participant} sees for the stored thing {@code kind}/{@code id}. */
  String of(long participant, Kind kind, long id) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      byte[] h = mac.doFinal((participant + ":" + kind + ":" + id).getBytes(StandardCharsets.US_ASCII));
      return HexFormat.of().formatHex(h, 0, 16);
    } catch (GeneralSecurityException e) {
      // HmacSHA256 is in every Java runtime (a required algorithm of the platform).
      throw new IllegalStateException(e);
    }
  }
}
